// Draws the map's points. WebGL first: one vertex buffer (x, y as float32 and the colour as four bytes
// per point), gl.POINTS, pan and zoom as two uniforms, so a pan redraws 100,000 points without touching
// the buffer. Where WebGL is missing (remote desktops, headless browsers without a software GL) a canvas
// 2D renderer writes the points straight into an ImageData, which stays usable at 100,000 points.

/** Screen position of data (x, y): ((x − cx)·scale + width/2, height/2 − (y − cy)·scale), in CSS px. */
export interface Camera {
  cx: number;
  cy: number;
  scale: number;
}

export interface PointRenderer {
  readonly kind: 'webgl' | 'canvas';
  /** Positions in data units and RGBA per point (alpha 0: not drawn). */
  setPoints(x: Float32Array, y: Float32Array, rgba: Uint8Array): void;
  /** Draws at this camera; width and height in CSS px (the canvas is sized to them × devicePixelRatio). */
  draw(cam: Camera, width: number, height: number, pointSize: number): void;
  dispose(): void;
}

export interface RendererChoice {
  renderer: PointRenderer;
  /** Why the canvas 2D renderer draws instead of WebGL (undefined when WebGL draws). */
  fallback?: string;
}

/**
 * The WebGL renderer, or the canvas 2D one when WebGL cannot start, when it is a software rasteriser
 * (SwiftShader, llvmpipe: measured in headless Chromium, panning 100,000 points ran at 10 fps through
 * software WebGL and at 46 fps through the ImageData path). `force` picks one (tests: both paths run
 * in headless Chromium, whose WebGL is software).
 */
export function createRenderer(canvas: HTMLCanvasElement, force?: 'webgl' | 'canvas'): RendererChoice {
  if (force === 'canvas') return { renderer: canvasRenderer(canvas), fallback: 'Canvas 2D was asked for' };
  const probe = force === 'webgl' ? ({ ok: true } as const) : webglInfo();
  if (!probe.ok) return { renderer: canvasRenderer(canvas), fallback: probe.reason };
  const gl = canvas.getContext('webgl', { antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: true });
  const r = gl && webglRenderer(gl);
  // A canvas that gave a WebGL context cannot give a 2D one: the caller's canvas is then left blank, so
  // this only happens when the probe passed and the real context still failed (rare: a lost GPU).
  return r ? { renderer: r } : { renderer: canvasRenderer(document.createElement('canvas')), fallback: 'WebGL did not start' };
}

/** Whether WebGL is there and runs on a GPU, asked of a throwaway canvas (the map's own stays free for 2D). */
function webglInfo(): { ok: true } | { ok: false; reason: string } {
  const c = document.createElement('canvas');
  const gl = c.getContext('webgl');
  if (!gl) return { ok: false, reason: 'WebGL is not available here' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const name = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const soft = /swiftshader|llvmpipe|softpipe|software/i.exec(name);
  if (soft) return { ok: false, reason: `WebGL here is a software renderer (${soft[0]}), slower than canvas 2D for many points` };
  return { ok: true };
}

function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): number {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return dpr;
}

const VERTEX = `
attribute vec2 a_pos;
attribute vec4 a_colour;
uniform vec2 u_centre;
uniform vec2 u_scale;
uniform float u_size;
varying vec4 v_colour;
void main() {
  gl_Position = vec4((a_pos - u_centre) * u_scale, 0.0, 1.0);
  gl_PointSize = a_colour.a > 0.0 ? u_size : 0.0;
  v_colour = a_colour;
}`;

const FRAGMENT = `
precision mediump float;
varying vec4 v_colour;
void main() {
  vec2 d = gl_PointCoord - vec2(0.5);
  if (v_colour.a == 0.0 || dot(d, d) > 0.25) discard;
  gl_FragColor = v_colour;
}`;

function webglRenderer(gl: WebGLRenderingContext): PointRenderer | undefined {
  const compile = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    return gl.getShaderParameter(s, gl.COMPILE_STATUS) ? s : undefined;
  };
  const vs = compile(gl.VERTEX_SHADER, VERTEX);
  const fs = compile(gl.FRAGMENT_SHADER, FRAGMENT);
  if (!vs || !fs) return undefined;
  const prog = gl.createProgram();
  gl.attachShader(prog, vs);
  gl.attachShader(prog, fs);
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) return undefined;
  gl.useProgram(prog);
  const buffer = gl.createBuffer();
  const aPos = gl.getAttribLocation(prog, 'a_pos');
  const aColour = gl.getAttribLocation(prog, 'a_colour');
  const uCentre = gl.getUniformLocation(prog, 'u_centre');
  const uScale = gl.getUniformLocation(prog, 'u_scale');
  const uSize = gl.getUniformLocation(prog, 'u_size');
  const maxSize = (gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE) as Float32Array | null)?.[1] ?? 1;
  let count = 0;
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
  return {
    kind: 'webgl',
    setPoints(x, y, rgba) {
      count = x.length;
      // Interleaved: 8 bytes of position, 4 of colour.
      const data = new ArrayBuffer(count * 12);
      const f = new Float32Array(data);
      const b = new Uint8Array(data);
      for (let i = 0; i < count; i++) {
        f[i * 3] = x[i];
        f[i * 3 + 1] = y[i];
        b.set(rgba.subarray(i * 4, i * 4 + 4), i * 12 + 8);
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
      gl.enableVertexAttribArray(aPos);
      gl.vertexAttribPointer(aPos, 2, gl.FLOAT, false, 12, 0);
      gl.enableVertexAttribArray(aColour);
      gl.vertexAttribPointer(aColour, 4, gl.UNSIGNED_BYTE, true, 12, 8);
    },
    draw(cam, width, height, pointSize) {
      const dpr = sizeCanvas(gl.canvas as HTMLCanvasElement, width, height);
      gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.uniform2f(uCentre, cam.cx, cam.cy);
      gl.uniform2f(uScale, (2 * cam.scale) / width, (2 * cam.scale) / height);
      gl.uniform1f(uSize, Math.min(maxSize, pointSize * dpr));
      if (count) gl.drawArrays(gl.POINTS, 0, count);
    },
    dispose() {
      gl.deleteBuffer(buffer);
      gl.deleteProgram(prog);
    },
  };
}

function canvasRenderer(canvas: HTMLCanvasElement): PointRenderer {
  const ctx = canvas.getContext('2d')!;
  let px: Float32Array = new Float32Array(0);
  let py: Float32Array = new Float32Array(0);
  let colours = new Uint32Array(0);
  const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  return {
    kind: 'canvas',
    setPoints(x, y, rgba) {
      px = x;
      py = y;
      // One 32-bit word per point in the ImageData's byte order (RGBA in memory).
      colours = new Uint32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const [r, g, b, a] = [rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]];
        colours[i] = little ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
      }
    },
    draw(cam, width, height, pointSize) {
      const dpr = sizeCanvas(canvas, width, height);
      const w = canvas.width;
      const h = canvas.height;
      const img = ctx.createImageData(w, h);
      const out = new Uint32Array(img.data.buffer);
      const s = Math.max(1, Math.round(pointSize * dpr * 0.8));
      const half = s >> 1;
      const k = cam.scale * dpr;
      for (let i = 0; i < px.length; i++) {
        const c = colours[i];
        if (c === 0 || (little ? c >>> 24 : c & 255) === 0) continue;
        const sx = Math.round((px[i] - cam.cx) * k + w / 2) - half;
        const sy = Math.round(h / 2 - (py[i] - cam.cy) * k) - half;
        if (sx + s <= 0 || sy + s <= 0 || sx >= w || sy >= h) continue;
        for (let dy = Math.max(0, sy); dy < Math.min(h, sy + s); dy++) out.fill(c, dy * w + Math.max(0, sx), dy * w + Math.min(w, sx + s));
      }
      ctx.putImageData(img, 0, 0);
    },
    dispose() {
      px = new Float32Array(0);
    },
  };
}
