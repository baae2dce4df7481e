using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;

namespace TriageBot.Core.Tests;

/// <summary>The catalog built from the repository's knowledge/ folder, built once for all tests.</summary>
internal static class SharedCatalog
{
    private static readonly Lazy<Catalog> LazyCatalog = new(() => CatalogBuilder.Build(RepositoryPaths.Knowledge));
    private static readonly Lazy<ErrorMatcher> LazyMatcher = new(() => new ErrorMatcher(LazyCatalog.Value));

    public static Catalog Catalog => LazyCatalog.Value;

    public static ErrorMatcher Matcher => LazyMatcher.Value;
}
