using BenchmarkDotNet.Attributes;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;

namespace TriageBot.Benchmarks;

/// <summary>One <see cref="ErrorMatcher.Match"/> on the catalog built from the repository's knowledge/ folder. Target: median under 50 µs.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class MatchBenchmarks
{
    private ErrorMatcher _matcher = null!;
    private string _text = "";

    [ParamsAllValues]
    public Paste Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _matcher = new ErrorMatcher(CatalogBuilder.Build(RepositoryPaths.Knowledge));
        _text = SampleInputs.Text(Input);
        var result = _matcher.Match(_text);
        Console.WriteLine($"// {Input}: {_text.Length} chars -> {result.Decision} {result.Top?.SymptomId} {result.Top?.Score}");
    }

    [Benchmark]
    public MatchResult Match() => _matcher.Match(_text);
}
