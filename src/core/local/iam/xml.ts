// IAM's query-protocol XML: the response envelope, elements, and the error document the SDK
// turns into NoSuchEntityException, EntityAlreadyExistsException and the rest.
import type { ApiError } from '../http/errors';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An element; `undefined` content leaves it out, arrays become `<member>` lists. */
export type XmlValue =
  string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

export function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value))
    return `<${name}>${value.map((v) => element('member', v)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function responseXml(
  action: string,
  result: Record<string, XmlValue> | undefined,
  requestId: string,
): string {
  const body = result === undefined ? '' : element(`${action}Result`, result);
  return `<${action}Response xmlns="${NS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorXml(error: ApiError, requestId: string): string {
  const kind = error.status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${kind}</Type><Code>${escapeXml(error.type)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
