/**
 * The page a browser gets when OpenID Connect sign-in ends without a session: why, in words, and the way
 * back to the sign-in page. No script and no inline style (the console's CSP); never the person's groups
 * (they can be personal) nor anything the provider sent.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function refusalPage(message: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Not signed in · Ferry</title>
    <link rel="icon" href="/assets/favicon.svg" />
    <link rel="stylesheet" href="/assets/console.css" />
  </head>
  <body>
    <main>
      <h1>Not signed in</h1>
      <p role="alert">${escapeHtml(message)}</p>
      <p><a href="/sign-in">Back to sign-in</a></p>
    </main>
  </body>
</html>
`;
}
