// The served documents, serialized once at start for a given BASE_PATH.
import { stringify } from 'yaml';
import { openApiDocument, schemaFile, schemas, type SchemaFile } from './openapi.js';

export interface RestDocuments {
  openApiJson: string;
  openApiYaml: string;
  schemaFile(fileName: string): string | undefined;
}

export function restDocuments(basePath: string): RestDocuments {
  const document = openApiDocument(basePath);
  const files = new Map(
    (Object.keys(schemas) as SchemaFile[]).map((name) => [`${name}.json`, JSON.stringify(schemaFile(name, basePath))]),
  );
  return {
    openApiJson: JSON.stringify(document),
    openApiYaml: stringify(document, { aliasDuplicateObjects: false }),
    schemaFile: (fileName) => files.get(fileName),
  };
}
