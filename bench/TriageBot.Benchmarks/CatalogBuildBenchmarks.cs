using BenchmarkDotNet.Attributes;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;

namespace TriageBot.Benchmarks;

/// <summary>Start-up cost: reading knowledge/ into a catalog and indexing it. Target: under 300 ms.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class CatalogBuildBenchmarks
{
    private string _knowledge = "";

    [GlobalSetup]
    public void Setup() => _knowledge = RepositoryPaths.Knowledge;

    [Benchmark(Baseline = true)]
    public ErrorMatcher BuildAndIndex() => new(CatalogBuilder.Build(_knowledge));

    /// <summary>The catalog alone, to tell parsing from indexing.</summary>
    [Benchmark]
    public Catalog BuildOnly() => CatalogBuilder.Build(_knowledge);
}
