export function activate(){} export function deactivate(){}
