// Validates what a test received against the OpenAPI document the gateway
// serves (JSON Schema 2020-12, ajv): status by status, with its content type.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

export interface Received {
  status: number;
  contentType: string | null;
  body: unknown;
}

export class Contract {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv2020;

  private constructor(private readonly document: Document) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema({ components: document.components }, 'openapi');
  }

  static async load(baseUrl: string): Promise<Contract> {
    const response = await fetch(`${baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    return new Contract((await response.json()) as Document);
  }

  /** The documented path template a concrete path belongs to, if any. */
  templateOf(path: string): string | undefined {
    const bare = path.split('?')[0]!.replace(/\/?$/, '/');
    return Object.keys(this.document.paths).find((template) =>
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
    );
  }

  /**
   * Checks any REST response: against its operation when the document has
   * one, otherwise (405, unknown paths) a problem body against ErrorModel.
   */
  checkAny(method: string, path: string, received: Received): void {
    const template = this.templateOf(path);
    if (template && this.document.paths[template]?.[method.toLowerCase()]) {
      this.check(method, template, received);
    } else if (method !== 'HEAD' && method !== 'OPTIONS') {
      expect(received.contentType).toMatch(/^application\/problem\+json/);
      this.validateAgainst({ $ref: '#/components/schemas/ErrorModel' }, received.body);
    }
  }

  /** Asserts that a response of `method path` matches the document. */
  check(method: string, pathTemplate: string, received: Received): void {
    const operation = this.document.paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`no operation ${method} ${pathTemplate} in the document`);
    const response = operation.responses[String(received.status)] ?? operation.responses.default;
    if (!response) throw new Error(`${method} ${pathTemplate} documents no ${received.status}`);
    if (!response.content) {
      expect(received.body, `${received.status} has no body`).toBe('');
      return;
    }
    const mediaType = (received.contentType ?? '').split(';')[0]!.trim();
    const media = response.content[mediaType];
    expect(media, `${method} ${pathTemplate} ${received.status} documents ${Object.keys(response.content).join(', ')}, got ${mediaType}`).toBeDefined();
    this.validateAgainst(media!.schema, received.body);
  }

  private validateAgainst(schema: object, body: unknown): void {
    const validate = this.validator(JSON.stringify(schema));
    const valid = validate(body);
    expect(validate.errors ?? [], JSON.stringify(body)).toEqual([]);
    expect(valid).toBe(true);
  }

  private validator(schemaJson: string): ValidateFunction {
    let validate = this.validators.get(schemaJson);
    if (!validate) {
      const schema = JSON.parse(schemaJson.replace(/"#\/components/g, '"openapi#/components'));
      validate = this.ajv.compile(schema);
      this.validators.set(schemaJson, validate);
    }
    return validate;
  }
}
