using BenchmarkDotNet.Attributes;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Knowledge.Curated;
using TriageBot.Core.Matching;

namespace TriageBot.Benchmarks;

public enum ScaleInput
{
    /// <summary>A documented message, word for word.</summary>
    ExactRow,

    /// <summary>Five words from inside a documented message.</summary>
    Fragment,

    /// <summary>A paste about something the table does not document.</summary>
    Miss,
}

/// <summary>
/// <see cref="ErrorMatcher.Match"/> against a generated catalog of 1,000 and 10,000 documented
/// messages (see <see cref="SyntheticKnowledge"/>). Target: median under 2 ms at 10,000.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ScaleBenchmarks
{
    /// <summary>Rows the inputs are taken from: below 1,000, so they exist at every size.</summary>
    private const int ExactRow = 617;
    private const int FragmentRow = 421;

    private ErrorMatcher _matcher = null!;
    private string _text = "";

    [Params(1_000, 10_000)]
    public int Entries { get; set; }

    [ParamsAllValues]
    public ScaleInput Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var knowledge = SyntheticKnowledge.Generate(Entries);
        var catalog = CatalogBuilder.Build([knowledge.Document], CuratedData.Empty);
        _matcher = new ErrorMatcher(catalog);
        _text = Text(knowledge, Input);
        var result = _matcher.Match(_text);
        Console.WriteLine($"// {Entries} rows, {catalog.Symptoms.Count} symptoms; {Input} \"{_text}\" -> {result.Decision} {result.Top?.SymptomId} {result.Top?.Score}");
    }

    [Benchmark]
    public MatchResult Match() => _matcher.Match(_text);

    internal static string Text(SyntheticKnowledge knowledge, ScaleInput input)
    {
        switch (input)
        {
            case ScaleInput.ExactRow:
                return knowledge.Messages[ExactRow];
            case ScaleInput.Fragment:
                // What a user would copy: five words from inside the message, starting at a product name.
                var words = knowledge.Messages[FragmentRow].Split(' ');
                var from = Array.FindIndex(words, 1, w => knowledge.Names.Contains(w.TrimEnd('.', ',', ':', ';')));
                from = Math.Clamp(from < 0 ? words.Length / 3 : from, 0, Math.Max(0, words.Length - 5));
                return string.Join(' ', words.Skip(from).Take(5));
            case ScaleInput.Miss:
                return "outlook keeps prompting for credentials every 5 minutes since the mailbox migration";
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input, null);
        }
    }
}
