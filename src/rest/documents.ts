// The served documents, serialized once at start.
import { stringify } from 'yaml';
import { openApiDocument, schemaFile, schemas, type SchemaFile } from './openapi.js';

export const openApiDocumentJson = JSON.stringify(openApiDocument);
export const openApiDocumentYaml = stringify(openApiDocument, { aliasDuplicateObjects: false });

const schemaFiles = new Map(
  (Object.keys(schemas) as SchemaFile[]).map((name) => [`${name}.json`, JSON.stringify(schemaFile(name))]),
);

export const schemaFileJson = (fileName: string) => schemaFiles.get(fileName);
