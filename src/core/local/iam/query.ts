// The form parameters of an IAM query request: `Action`, scalars, and `X.member.N` lists.
import { ApiError } from '../http/errors';

export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  static parse(body: Buffer): QueryParams {
    return new QueryParams(new URLSearchParams(body.toString('utf8')));
  }

  optional(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.params.get(name);
    if (value === null || value === '') {
      throw new ApiError(
        'ValidationError',
        400,
        `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  /** `Name.member.1`, `Name.member.2`, ... in order. */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.params.has(`${name}.member.${i}`); i++) {
      out.push(this.params.get(`${name}.member.${i}`)!);
    }
    return out;
  }

  /** `Tags.member.N.Key` / `.Value` pairs. */
  tags(name: string): { Key: string; Value: string }[] {
    const out: { Key: string; Value: string }[] = [];
    for (let i = 1; this.params.has(`${name}.member.${i}.Key`); i++) {
      out.push({
        Key: this.params.get(`${name}.member.${i}.Key`)!,
        Value: this.params.get(`${name}.member.${i}.Value`) ?? '',
      });
    }
    return out;
  }
}
