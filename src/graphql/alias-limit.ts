// Limits aliases per operation, counting every alias, `__typename` included
// (graphql-armor skips those, which lets them be abused: armor#738), and
// counting a fragment's aliases each time it is spread.
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

export function aliasLimitRule(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentCounts = new Map<string, number>();

    const countIn = (selectionSet: SelectionSetNode, visiting: Set<string>): number => {
      let count = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) count++;
          if (selection.selectionSet) count += countIn(selection.selectionSet, visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          count += countIn(selection.selectionSet, visiting);
        } else {
          count += countFragment(context.getFragment(selection.name.value), visiting);
        }
        // Stop early: a hostile document need not be walked to the end.
        if (count > maxAliases) return count;
      }
      return count;
    };

    const countFragment = (fragment: FragmentDefinitionNode | null | undefined, visiting: Set<string>): number => {
      if (!fragment || visiting.has(fragment.name.value)) return 0;
      const cached = fragmentCounts.get(fragment.name.value);
      if (cached !== undefined) return cached;
      visiting.add(fragment.name.value);
      const count = countIn(fragment.selectionSet, visiting);
      visiting.delete(fragment.name.value);
      fragmentCounts.set(fragment.name.value, count);
      return count;
    };

    return {
      OperationDefinition(operation) {
        const count = countIn(operation.selectionSet, new Set());
        if (count > maxAliases) {
          context.reportError(new GraphQLError(`Aliases limit of ${maxAliases} exceeded`, { nodes: [operation] }));
        }
      },
    };
  };
}
