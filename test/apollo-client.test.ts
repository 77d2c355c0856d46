// A real GraphQL client (@apollo/client core, in Node) against the gateway:
// create, read through the normalised cache, update, read the change back,
// and errors that surface with extensions.code and extensions.problem.
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let gateway: TestGateway;
let client: ApolloClient;
let queries = 0;

const ORGANIZATION = gql`
  query Organization($id: ID!) {
    organization(id: $id) { id title description etag }
  }
`;
const CREATE = gql`
  mutation Create($input: CreateOrganizationInput!) {
    createOrganization(input: $input) { id title description etag }
  }
`;
const UPDATE = gql`
  mutation Update($id: ID!, $input: UpdateOrganizationInput!, $ifMatch: String) {
    updateOrganization(id: $id, input: $input, ifMatch: $ifMatch) { id title description etag }
  }
`;

beforeAll(async () => {
  gateway = await startTestGateway();
  const token = await gateway.token();
  const countingFetch: typeof fetch = (input, init) => {
    queries++;
    return fetch(input, init);
  };
  client = new ApolloClient({
    link: new HttpLink({ uri: `${gateway.url}/graphql`, headers: { authorization: `Bearer ${token}` }, fetch: countingFetch }),
    cache: new InMemoryCache(),
  });
});
afterAll(() => gateway.close());

describe('@apollo/client', () => {
  it('creates, reads from the normalised cache, updates and sees the change', async () => {
    const created = await client.mutate({ mutation: CREATE, variables: { input: { title: 'Client-made', description: 'd' } } });
    const organization = (created.data as any).createOrganization;
    expect(organization).toMatchObject({ title: 'Client-made', description: 'd', etag: '"1"' });

    const before = queries;
    const cached = await client.query({ query: ORGANIZATION, variables: { id: organization.id } });
    const fetched = queries - before;
    const again = await client.query({ query: ORGANIZATION, variables: { id: organization.id } });
    expect(queries - before).toBe(fetched); // the second read is served by the cache
    expect((again.data as any).organization).toEqual((cached.data as any).organization);

    await client.mutate({ mutation: UPDATE, variables: { id: organization.id, input: { title: 'Client-changed' }, ifMatch: organization.etag } });
    const normalised = client.cache.readQuery({ query: ORGANIZATION, variables: { id: organization.id } }) as any;
    expect(normalised.organization).toMatchObject({ title: 'Client-changed', description: 'd', etag: '"2"' });
    const fresh = await client.query({ query: ORGANIZATION, variables: { id: organization.id }, fetchPolicy: 'network-only' });
    expect((fresh.data as any).organization.title).toBe('Client-changed');
  });

  it('surfaces errors with extensions.code and extensions.problem', async () => {
    const created = await client.mutate({ mutation: CREATE, variables: { input: { title: 'Versioned' } } });
    const { id } = (created.data as any).createOrganization;
    const failure = await client.mutate({ mutation: UPDATE, variables: { id, input: { title: 'x' }, ifMatch: '"9"' } }).catch((error: unknown) => error);
    expect(CombinedGraphQLErrors.is(failure)).toBe(true);
    const [error] = (failure as CombinedGraphQLErrors).errors;
    expect(error!.extensions).toMatchObject({ code: 'PRECONDITION_FAILED', problem: { status: 412, title: 'Precondition Failed' } });
  });
});
