/**
 * A person at the test IdP without a browser, over real HTTP: follows the provider's redirects with
 * its cookies, fills in its login page, and stops at the first redirect that leaves the provider (the
 * console's callback, with the code or the error in its query). The browser test does the same in
 * Chromium; the route tests use this to drive the console's routes with `inject`.
 */

export class IdpAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly issuer: string) {}

  /** Signs in as `login` from the authorization URL; answers where the provider sends the browser back. */
  async signIn(authorizationUrl: string, login: string, password: string): Promise<URL> {
    const page = await this.follow(authorizationUrl);
    if (!('form' in page)) return page.leftTo;
    return this.submit(page.form, new URLSearchParams({ login, password }));
  }

  /** Cancels at the login page (the provider answers access_denied). */
  async cancel(authorizationUrl: string): Promise<URL> {
    const page = await this.follow(authorizationUrl);
    if (!('form' in page)) return page.leftTo;
    return this.submit(page.form.replace(/\/login$/, '/abort'), new URLSearchParams());
  }

  private async submit(action: string, form: URLSearchParams): Promise<URL> {
    const answer = await this.request(action, { method: 'POST', body: form });
    const next = answer.headers.get('location');
    if (!next) throw new Error(`the login page answered ${answer.status} without a redirect`);
    const page = await this.follow(new URL(next, this.issuer).href);
    if ('form' in page) throw new Error('the provider showed its login page again (wrong password?)');
    return page.leftTo;
  }

  /** Follows redirects within the provider: to its login page's form action, or out of it. */
  private async follow(start: string): Promise<{ form: string } | { leftTo: URL }> {
    let url = new URL(start);
    for (let hops = 0; hops < 10; hops++) {
      if (url.origin !== new URL(this.issuer).origin) return { leftTo: url };
      const answer = await this.request(url.href, { method: 'GET' });
      const location = answer.headers.get('location');
      if (location) {
        url = new URL(location, url);
        continue;
      }
      const html = await answer.text();
      const action = /<form method="post" action="([^"]+\/login)"/.exec(html)?.[1];
      if (!action) throw new Error(`the provider answered ${answer.status}: ${html.slice(0, 300)}`);
      return { form: new URL(action, this.issuer).href };
    }
    throw new Error('too many redirects at the provider');
  }

  private async request(url: string, init: { method: string; body?: URLSearchParams }): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const answer = await fetch(url, { ...init, redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of answer.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return answer;
  }
}
