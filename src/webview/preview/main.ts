// The side-panel preview (being built).
export {};
