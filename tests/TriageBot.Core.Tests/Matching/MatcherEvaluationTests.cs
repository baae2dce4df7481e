using System.Text.Json;
using FuzzySharp;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using Xunit.Abstractions;

namespace TriageBot.Core.Tests.Matching;

/// <summary>
/// Scores the matcher on the evaluation set (Matching/cases.jsonl): correct top candidate for
/// in-scope pastes, `none` for out-of-scope ones, per kind, against floors; and prints the plain
/// FuzzySharp ExtractOne baseline on the same cases for comparison.
/// </summary>
public sealed class MatcherEvaluationTests(ITestOutputHelper output)
{
    public sealed record Case(string Id, string Kind, string Lang, string Text, string Expect);

    private static readonly Lazy<IReadOnlyList<Case>> Cases = new(() => Load("cases.jsonl"));

    // Written independently and never tuned on: it tells how the matcher does on text nobody fitted it to.
    private static readonly Lazy<IReadOnlyList<Case>> Holdout = new(() => Load("holdout.jsonl"));

    // A second set written blind to the matcher, the curated catalog and the other sets (paraphrased
    // descriptions, fragments, typos, chat, client dialogs; out-of-scope in en/de/zh-cn/zh-tw). Never tuned on,
    // but its failures were classified when concept evidence was added; its floors hold the 97% bar
    // (in scope measured 98.0% with concept evidence, 96.7% before; out of scope 100%).
    private static readonly Lazy<IReadOnlyList<Case>> Holdout2 = new(() => Load("holdout2.jsonl"));

    private static List<Case> Load(string file) =>
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "tests", "TriageBot.Core.Tests", "Matching", file))
            .Where(l => l.Trim().Length > 0)
            .Select(l => JsonSerializer.Deserialize<Case>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!)
            .ToList();

    /// <summary>The symptom a label (a documented English message or cause) belongs to.</summary>
    internal static Symptom? SymptomOf(Catalog catalog, string label) =>
        catalog.Symptoms.FirstOrDefault(s => s.Causes.Any(c =>
            string.Equals(c.Message.English.Plain, label, StringComparison.Ordinal) ||
            string.Equals(c.Text.English.Plain, label, StringComparison.Ordinal)));

    [Fact]
    public void EvaluationSet_EveryLabel_IsADocumentedRow()
    {
        var unknown = Cases.Value.Where(c => c.Expect != "none" && SymptomOf(SharedCatalog.Catalog, c.Expect) is null).Select(c => c.Id).ToList();
        Assert.Empty(unknown);
        Assert.True(Cases.Value.Count >= 150, $"only {Cases.Value.Count} cases");
    }

    [Fact]
    public void EvaluationSet_EverySymptom_IsCovered()
    {
        var covered = Cases.Value.Where(c => c.Expect != "none").Select(c => SymptomOf(SharedCatalog.Catalog, c.Expect)!.Id).ToHashSet();
        var uncovered = SharedCatalog.Catalog.Symptoms.Select(s => s.Id).Where(id => !covered.Contains(id)).ToList();
        Assert.True(uncovered.Count == 0, "no cases for: " + string.Join(", ", uncovered));
    }

    // The release bar is 97% (in scope per language, and out of scope); every kind is held to it.
    [Theory]
    [InlineData("exact", 1.00)]
    [InlineData("fragment", 0.97)]
    [InlineData("client", 0.97)]
    [InlineData("chatter", 0.97)]
    [InlineData("typo", 0.97)]
    [InlineData("description", 0.97)]
    [InlineData("zh-CN", 0.97)]
    [InlineData("zh-TW", 0.97)]
    [InlineData("de", 0.97)]
    [InlineData("none", 0.97)]
    public void Match_EvaluationKind_MeetsFloor(string kind, double floor) =>
        AssertFloor(kind, Cases.Value.Where(c => c.Kind == kind).ToList(), floor);

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("zh-CN")]
    [InlineData("zh-TW")]
    public void Match_EvaluationInScopeLanguage_MeetsBar(string language) =>
        AssertFloor($"in scope, {language}", Cases.Value.Where(c => c.Expect != "none" && c.Lang == language).ToList(), 0.97);

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("zh-CN")]
    [InlineData("zh-TW")]
    public void Match_EvaluationOutOfScopeLanguage_MeetsBar(string language) =>
        AssertFloor($"out of scope, {language}", Cases.Value.Where(c => c.Expect == "none" && c.Lang == language).ToList(), 0.97);

    private void AssertFloor(string what, List<Case> cases, double floor)
    {
        Assert.NotEmpty(cases);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var result = SharedCatalog.Matcher.Match(c.Text);
            if (!IsCorrect(c, result))
            {
                failures.Add($"{c.Id}: expected {(c.Expect == "none" ? "none" : SymptomOf(SharedCatalog.Catalog, c.Expect)!.Id)}, got {result.Decision} " +
                             string.Join(", ", result.Candidates.Take(3).Select(x => $"{x.SymptomId}:{x.Score}")) + $"  <- {Short(c.Text)}");
            }
        }
        var accuracy = 1.0 - (double)failures.Count / cases.Count;
        output.WriteLine($"{what}: {accuracy:P1} correct ({cases.Count - failures.Count}/{cases.Count}), floor {floor:P0}");
        failures.ForEach(output.WriteLine);
        Assert.True(accuracy >= floor, $"{what}: {accuracy:P1} < {floor:P0}\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Match_Holdout_MeetsFloors()
    {
        var correct = Holdout.Value.Select(c => IsCorrect(c, SharedCatalog.Matcher.Match(c.Text))).ToList();
        var scored = Holdout.Value.Select((c, i) => (Case: c, Correct: correct[i])).ToList();
        string Rate(IEnumerable<(Case Case, bool Correct)> cases)
        {
            var list = cases.ToList();
            var n = list.Count(c => c.Correct);
            return $"{(double)n / list.Count:P1} ({n}/{list.Count})";
        }
        foreach (var kind in scored.GroupBy(c => c.Case.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"holdout {kind.Key}: {Rate(kind)}");
        }
        foreach (var language in scored.GroupBy(c => (c.Case.Expect == "none" ? "out of scope" : "in scope") + ", " + c.Case.Lang).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"holdout {language.Key}: {Rate(language)}");
        }
        var inScope = scored.Where(c => c.Case.Expect != "none").ToList();
        var outOfScope = scored.Where(c => c.Case.Expect == "none").ToList();
        output.WriteLine($"holdout in-scope: {Rate(inScope)}, out-of-scope none: {Rate(outOfScope)}");
        // Both meet the 97% bar: out of scope since 2026-11-24 (97.8%, now 100%), in scope since concept
        // evidence (100%; 95.4% before, descriptions in English 82.5%).
        Assert.True(inScope.Count(c => c.Correct) >= 0.97 * inScope.Count, $"holdout in-scope {Rate(inScope)}");
        Assert.True(outOfScope.Count(c => c.Correct) >= 0.97 * outOfScope.Count, $"holdout none {Rate(outOfScope)}");
    }

    [Fact]
    public void Match_Holdout2_MeetsTheFloors()
    {
        Assert.NotEmpty(Holdout2.Value);
        var unknown = Holdout2.Value.Where(c => c.Expect != "none" && SymptomOf(SharedCatalog.Catalog, c.Expect) is null).Select(c => c.Id).ToList();
        Assert.True(unknown.Count == 0, "holdout2 labels that name no documented message: " + string.Join(", ", unknown));

        var scored = Holdout2.Value.Select(c => (Case: c, Correct: IsCorrect(c, SharedCatalog.Matcher.Match(c.Text)))).ToList();
        foreach (var kind in scored.GroupBy(r => r.Case.Kind).OrderBy(g => g.Key))
        {
            var correct = kind.Count(r => r.Correct);
            output.WriteLine($"holdout2 kind {kind.Key}: {(double)correct / kind.Count():P1} ({correct}/{kind.Count()})");
        }
        foreach (var lang in scored.GroupBy(r => r.Case.Lang).OrderBy(g => g.Key))
        {
            var inScope = lang.Where(r => r.Case.Expect != "none").ToList();
            var none = lang.Where(r => r.Case.Expect == "none").ToList();
            output.WriteLine($"holdout2 lang {lang.Key}: {(double)lang.Count(r => r.Correct) / lang.Count():P1} ({lang.Count(r => r.Correct)}/{lang.Count()}); " +
                             $"in-scope {inScope.Count(r => r.Correct)}/{inScope.Count}, none {none.Count(r => r.Correct)}/{none.Count}");
        }
        int correctIn = scored.Count(r => r.Case.Expect != "none" && r.Correct), totalIn = scored.Count(r => r.Case.Expect != "none");
        int correctNone = scored.Count(r => r.Case.Expect == "none" && r.Correct), totalNone = scored.Count(r => r.Case.Expect == "none");
        output.WriteLine($"holdout2 in-scope: {(double)correctIn / totalIn:P1} ({correctIn}/{totalIn}), out-of-scope none: {(double)correctNone / totalNone:P1} ({correctNone}/{totalNone})");
        Assert.True(correctIn >= 0.97 * totalIn, $"holdout2 in-scope {correctIn}/{totalIn}");
        Assert.True(correctNone >= 0.97 * totalNone, $"holdout2 none {correctNone}/{totalNone}");
    }

    [Fact]
    public void Match_WholeSet_BeatsPlainFuzzySharpBaseline()
    {
        var catalog = SharedCatalog.Catalog;
        var messages = catalog.Symptoms.SelectMany(s => s.Causes.Select(c => (Text: c.Message.English.Plain, Symptom: s))).ToList();
        int ours = 0, baseline = 0, inScope = 0, oursNone = 0, baselineNone = 0, outOfScope = 0;
        foreach (var c in Cases.Value)
        {
            var result = SharedCatalog.Matcher.Match(c.Text);
            var best = Process.ExtractOne(c.Text, messages.Select(m => m.Text));
            var baselineSymptom = best is null || best.Score < 60 ? null : messages[best.Index].Symptom;
            if (c.Expect == "none")
            {
                outOfScope++;
                oursNone += IsCorrect(c, result) ? 1 : 0;
                baselineNone += baselineSymptom is null ? 1 : 0;
            }
            else
            {
                inScope++;
                ours += IsCorrect(c, result) ? 1 : 0;
                baselineSymptom = best is null ? null : messages[best.Index].Symptom;
                baseline += baselineSymptom == SymptomOf(catalog, c.Expect) ? 1 : 0;
            }
        }
        output.WriteLine($"in-scope top candidate: TriageBot {(double)ours / inScope:P1}, FuzzySharp ExtractOne {(double)baseline / inScope:P1} ({inScope} cases)");
        output.WriteLine($"out-of-scope none:      TriageBot {(double)oursNone / outOfScope:P1}, FuzzySharp ExtractOne (score<60) {(double)baselineNone / outOfScope:P1} ({outOfScope} cases)");
        Assert.True(ours > baseline + inScope / 5, "the matcher must beat the plain baseline by a wide margin");
    }

    private static bool IsCorrect(Case c, MatchResult result) => c.Expect == "none"
        ? result.Decision == MatchDecision.None
        : result.Decision != MatchDecision.None && result.Top?.Symptom == SymptomOf(SharedCatalog.Catalog, c.Expect);

    private static string Short(string text) => text.Length > 90 ? text[..90].Replace('\n', ' ') + "..." : text.Replace('\n', ' ');
}
