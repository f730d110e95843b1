// A small route table: method + path template with `{label}` segments, decoded for handlers.

export type Service = 'lambda' | 'logs';

export interface Route<H> {
  method: string;
  /** e.g. `/2015-03-31/functions/{FunctionName}/aliases/{Name}` */
  template: string;
  handler: H;
}

interface CompiledRoute<H> extends Route<H> {
  pattern: RegExp;
  labels: string[];
}

export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

export class Router<H> {
  private readonly routes: CompiledRoute<H>[] = [];

  add(method: string, template: string, handler: H): this {
    const labels: string[] = [];
    const source = template
      .replace(/\/$/, '')
      .split('/')
      .map((segment) => {
        const label = /^\{(\w+)\}$/.exec(segment);
        if (!label) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        labels.push(label[1]!);
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, template, handler, labels, pattern: new RegExp(`^${source}/?$`) });
    return this;
  }

  match(method: string, rawPath: string): RouteMatch<H> | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(rawPath);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.labels.forEach((label, i) => (params[label] = decodeURIComponent(m[i + 1]!)));
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
