/**
 * What the page says when it cannot open a document: a heading, what it means and what to do,
 * instead of a bare error line. The server's message is shown as well (it is safe to show).
 */
import type { ErrorInfo } from 'y-quire/client';

export interface Guidance {
  title: string;
  /** Paragraphs; `code` spans are marked with backticks. */
  paragraphs: string[];
}

export function guidanceForRefusal(error: ErrorInfo, docName: string, hasToken: boolean): Guidance {
  const said = `The server said: ${error.message}`;
  switch (error.code) {
    case 'AUTH_FAILED':
    case 'TOKEN_EXPIRED':
      return {
        title: hasToken ? 'Your sign-in token was not accepted' : 'This server asks for a sign-in token',
        paragraphs: [
          hasToken
            ? `The token this tab holds is invalid or has expired${error.code === 'TOKEN_EXPIRED' ? ' (it expired)' : ''}. Open the page again with a fresh one.`
            : 'It checks a JSON Web Token for every document (it was started with `--jwt-secret` or `--jwt-public-key`).',
          `Open this page with \`?token=<JWT>\` added to the address, e.g. \`${exampleAddress(docName)}\`. The token stays in this tab and leaves the address bar.`,
          'A token is signed by your application (see `signJwt` in `y-quire/server` and docs/SECURITY.md); its claims list the documents it opens.',
          said,
        ],
      };
    case 'PERMISSION_DENIED':
      return {
        title: 'Your token does not open this document',
        paragraphs: [
          `You are signed in, but your token grants no access to "${docName}". Ask for a token whose claims list it, or open another document.`,
          said,
        ],
      };
    default:
      return { title: 'This document cannot be opened', paragraphs: [said] };
  }
}

/** The address of `docName` with a placeholder token. */
function exampleAddress(docName: string): string {
  return `${window.location.origin}${window.location.pathname}?token=eyJ…#${encodeURIComponent(docName)}`;
}

/** Renders guidance into the problem panel, turning backticked spans into <code>. */
export function renderGuidance(title: HTMLElement, body: HTMLElement, guidance: Guidance): void {
  title.textContent = guidance.title;
  body.replaceChildren(
    ...guidance.paragraphs.map((text) => {
      const paragraph = document.createElement('p');
      text.split('`').forEach((part, index) => {
        if (index % 2 === 0) paragraph.append(part);
        else paragraph.append(Object.assign(document.createElement('code'), { textContent: part }));
      });
      return paragraph;
    }),
  );
}
