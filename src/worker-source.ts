/**
 * The code a worker thread is started with (`new Worker(code, { eval: true })`) to run one of our modules: the
 * compiled .js beside the caller, or, run from source (tsx, a development dependency), the .ts file. A worker
 * thread does not inherit tsx's loader, so from source the thread registers it before loading the file.
 */
export function workerSource(callerUrl: string, moduleName: string): string {
  const fromSource = callerUrl.endsWith('.ts');
  const url = JSON.stringify(new URL(`./${moduleName}${fromSource ? '.ts' : '.js'}`, callerUrl).href);
  return fromSource ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${url}); });` : `import(${url});`;
}
