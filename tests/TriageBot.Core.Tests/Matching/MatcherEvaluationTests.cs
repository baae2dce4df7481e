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

    /// <summary>
    /// The tuned set: cases.jsonl and the batches added since (4 to 7: German and own-words descriptions, near misses; 8: quoted
    /// messages beside another row's concepts, time-source words, Chinese descriptions, prompt injections, presence; 9: Chinese
    /// descriptions of every row, instructions to the bot in new phrasings, the credential pair, same-day domain changes,
    /// installers from the wrong source, zh-TW near misses; 10: a second look at the same classes after batch 9's changes; 11: near
    /// misses about other systems that share words with documented rows, instructions to the bot in new shapes, and reports that look like them).
    /// </summary>
    private static readonly Lazy<IReadOnlyList<Case>> Cases = new(() =>
        [.. Load("cases.jsonl"), .. Load("cases-batch4.jsonl"), .. Load("cases-batch5.jsonl"), .. Load("cases-batch6.jsonl"), .. Load("cases-batch7.jsonl"), .. Load("cases-batch8.jsonl"),
         .. Load("cases-batch9.jsonl"), .. Load("cases-batch10.jsonl"), .. Load("cases-batch11.jsonl")]);

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

    /// <summary>
    /// The sets written apart from the tuned one, each scored per kind and per language with its failures printed.
    /// holdout.jsonl: written independently, looked at several times since (in scope 95.4% before concept evidence, now
    /// 100%). holdout2.jsonl: written blind to the matcher, the curated data and the other sets; its failures were
    /// classified when concept evidence was added (in scope 96.7% before, 98.0% after; out of scope 100%).
    /// holdout3.jsonl: written blind the same way (272 cases) and scored once, after concept evidence; see README.
    /// holdout4.jsonl: written blind the same way (320 cases, a third of them German), scored once after the German
    /// work: in scope 95.8%, out of scope 95.0%, under the bar of 97%. Its failure classes were then mended (branch matcher5),
    /// so it is no longer blind: in scope 99.2%, out of scope 100%, and its floors hold that. See README.
    /// holdout5.jsonl: written blind the same way (300 cases), scored once after that: in scope 98.7%, out of scope 97.1%.
    /// Its failure classes were then mended in general terms (branch matcher6): 100% both, and its floors are raised to 99%.
    /// holdout6-*.jsonl: written blind (560 cases, more near misses and instructions to the bot), scored at first sight after
    /// matcher6: out of scope 72.5% (ende), 87.5% (zh), 80.0% (a), zh in scope 90.2%. Its misses were read, so it is development
    /// data now, not blind: its floors are what branch matcher7 reaches (see README).
    /// holdout7-*.jsonl: written blind (320 cases, en/de and zh), scored once after matcher7: in scope en 98.3%, de 100%,
    /// zh-CN 100%, zh-TW 92.7%; out of scope 100% (ende), 96.0% (zh; zh-TW 92.0%). Its misses were then read and mended
    /// (Chinese words, ordered request phrases): development data, floors at what that reaches.
    /// holdout8-*.jsonl: written blind (320 cases), scored once after holdout7's mending: in scope en 98.3%, de 96.4%,
    /// zh-CN 96.4%, zh-TW 100%; out of scope 91.1% (ende), 96.0% (zh): under the bar. Its instruction, "Skype works" and
    /// Chinese problem-word misses were then mended as words: development data, floors at what that reaches.
    /// holdout9-*.jsonl: written blind (320 cases), scored once after that: in scope en 98.3%, de 96.4%, zh-CN 94.5%, zh-TW
    /// 96.4%; out of scope 95.6% (ende), 96.0% (zh). Its out-of-scope misses mended as words (development data since); its
    /// in-scope misses (descriptions that name no product, or a licence told as "not registered") are not: floors as they stand.
    /// holdout10-*.jsonl: written blind (320 cases), scored once with the final matcher of session 5 and NOT read or mended since:
    /// in scope en 98.3%, de 98.2%, zh-CN 94.5%, zh-TW 96.4%; out of scope 100% (ende), 98.0% (zh). Still not read; after session 6's
    /// mends (made on other sets) zh-CN 96.4%, zh-TW 98.2%, zh out of scope 100%: the Chinese floors follow.
    /// holdout11-*.jsonl to holdout18-*.jsonl: written blind (320 cases each) in session 6, each scored once before
    /// it was read (figures in README), then read and mended: development data, floors at what that reaches.
    /// holdout25-*.jsonl, holdout26-*.jsonl: written blind (640 cases), scored once (in scope en 97.5%, de 98.2%, zh-CN 98.2%, zh-TW
    /// 98.2%; out of scope 98.9%, both together), then read and mended: development data, floors at what that reaches.
    /// holdout27-*.jsonl, holdout28-*.jsonl: written blind (640 cases), scored once (in scope en 98.3%, de 98.2%, zh-CN 99.1%, zh-TW
    /// 100%; out of scope 96.8%, both together), then read and mended: development data, floors at what that reaches.
    /// holdout29-*.jsonl, holdout30-*.jsonl: written blind (640 cases), scored once with the final matcher of session 6 and NOT read
    /// or mended: in scope en 100%, de 98.2%, zh-CN 100%, zh-TW 100%; out of scope 96.8% (both sets together). Floors at that first sight.
    /// holdout19-*.jsonl to holdout24-*.jsonl: written blind (640 cases a pair), each pair scored once (holdout19/20: in scope en 98.3%, de 99.1%, zh-CN 98.2%, zh-TW
    /// 98.2%; out of scope 97.4%, both sets together), then read and mended: development data, floors at what that reaches.
    /// holdout31-*.jsonl, holdout32-*.jsonl: written blind (640 cases) in session 7, scored once with session 6's final matcher (in scope
    /// en 96.7%, de 98.2%, zh-CN 97.3%, zh-TW 97.3%; out of scope 96.8%, both sets together), then read and mended: development data,
    /// floors at what that reaches.
    /// holdout35-*.jsonl, holdout36-*.jsonl: written blind (640 cases) in session 7, scored once with the matcher after holdout31/32's mends
    /// (in scope en 99.2%, de 98.1%, zh-CN 97.3%, zh-TW 97.3%; out of scope 97.4%), then read and mended: development data, floors at what
    /// that reaches.
    /// holdout37-*.jsonl, holdout38-*.jsonl: written blind (640 cases) in session 7, scored once with the matcher after holdout35/36's mends
    /// (in scope en 99.2%, de 100%, zh-CN 98.2%, zh-TW 97.3%; out of scope 96.8%), then read and mended: development data, floors at what
    /// that reaches.
    /// holdout39-*.jsonl, holdout40-*.jsonl: written blind (640 cases) in session 7, scored once with the matcher after holdout37/38's mends
    /// (in scope en 99.2%, de 100%, zh-CN 97.3%, zh-TW 98.2%; out of scope 96.8%), then read and mended: development data, floors at what
    /// that reaches.
    /// holdout33-*.jsonl, holdout34-*.jsonl: written blind (640 cases) at the start of session 7, scored once with its final matcher and NOT
    /// read or mended: in scope en 99.2%, de 96.4%, zh-CN 100%, zh-TW 99.1%; out of scope 97.9% (both sets together; the matcher session 7
    /// started with scored them the same, case for case in every total). Floors at that first sight.
    /// holdout43-*.jsonl, holdout44-*.jsonl: written blind (640 cases) late in session 7 with holdout45/46, kept aside while those were mended,
    /// scored once with the session's final matcher and NOT read or mended: in scope en 97.5%, de 99.1%, zh-CN 99.1%, zh-TW 100%; out of
    /// scope 98.9% (the matcher the session started with: zh-CN 98.2%, out of scope 97.9%, the rest the same). Floors at that first sight.
    /// holdout53/54 and holdout57/58 (1,280 cases, written blind in session 8 with holdout51/52 and holdout55/56, kept aside while sixteen
    /// dev sets were mended, scored once with the matcher after holdout67-70's mends and NOT read or mended): in scope en 100%, de 99.1%,
    /// zh-CN 97.7%, zh-TW 98.6%; out of scope 98.2% (the matcher session 8 started with: de 99.5%, out of scope 97.9%, the rest the same).
    /// Floors at that first sight.
    /// holdout73-*.jsonl, holdout74-*.jsonl (640 cases, written blind with holdout71/72 at the end of session 8, kept aside while those were
    /// mended, scored once with the matcher after holdout71/72's mends and NOT read or mended): in scope en 99.2%, de 97.2%, zh-CN 100%,
    /// zh-TW 99.1%; out of scope 100% (the matcher session 8 started with, and the session's final one, scored them the same). Floors at
    /// that first sight.
    /// holdout41-*.jsonl, holdout42-*.jsonl: written blind (640 cases) in session 7, scored once with the matcher after holdout39/40's mends
    /// (in scope en 100%, de 99.1%, zh-CN 98.2%, zh-TW 96.4%; out of scope 97.9%), then read and mended: development data, floors at what
    /// that reaches.
    /// holdout45-*.jsonl, holdout46-*.jsonl: written blind (640 cases) in session 7, scored once with the matcher after holdout41/42's mends
    /// and the final measurement of holdout33/34 (in scope en 100%, de 98.2%, zh-CN 98.2%, zh-TW 99.1%; out of scope 96.3%), then read
    /// and mended: development data, floors at what that reaches.
    /// holdout47-*.jsonl to holdout50-*.jsonl: written blind (1,280 cases) at the start of session 8, scored once with the matcher session 7
    /// ended with (holdout47/48: in scope en 98.3%, de 98.2%, zh-CN 99.1%, zh-TW 100%, out of scope 97.4%; holdout49/50: en 100%, de 98.2%,
    /// zh-CN 99.1%, zh-TW 98.2%, out of scope 98.4%), then read and mended: development data, floors at what that reaches.
    /// holdout51-*.jsonl, holdout52-*.jsonl: written blind (640 cases) at the start of session 8, scored once after holdout47-50's mends
    /// (in scope en 96.7%, de 96.3%, zh-CN 100%, zh-TW 99.1%; out of scope 100%; the matcher session 8 started with scored them the same),
    /// then read and mended: development data, floors at what that reaches.
    /// holdout55-*.jsonl, holdout56-*.jsonl: written blind (640 cases) in session 8, scored once after holdout51/52's mends and the fix of
    /// a crash they found (in scope en 100%, de 98.2%, zh-CN 99.1%, zh-TW 98.2%; out of scope 97.9%), then read and mended: development
    /// data, floors at what that reaches.
    /// holdout59-*.jsonl to holdout62-*.jsonl: written blind (1,280 cases) in session 8, scored once after holdout55/56's mends (holdout59/60:
    /// in scope en 98.3%, de, zh-CN and zh-TW 100%, out of scope 98.4%; holdout61/62: en 99.2%, de 100%, zh-CN 99.1%, zh-TW 100%, out of
    /// scope 97.4%; the matcher session 8 started with scored them the same), then read and mended: development data, floors at what that
    /// reaches.
    /// holdout63-*.jsonl to holdout66-*.jsonl: written blind (1,280 cases) in session 8, scored once after holdout59-62's mends (holdout63/64:
    /// in scope en 99.2%, de 98.2%, zh-CN 98.2%, zh-TW 100%, out of scope 98.9%; holdout65/66: en 99.2%, de 99.1%, zh-CN 100%, zh-TW 99.1%,
    /// out of scope 97.4%), then read and mended: development data, floors at what that reaches.
    /// holdout67-*.jsonl to holdout70-*.jsonl: written blind (1,280 cases) in session 8, scored once after holdout63-66's mends (holdout67/68:
    /// in scope en 98.3%, de 99.1%, zh-CN 99.1%, zh-TW 100%, out of scope 97.9%; holdout69/70: en 98.3%, de 100%, zh-CN 100%, zh-TW 99.1%,
    /// out of scope 98.9%), then read and mended: development data, floors at what that reaches.
    /// holdout71-*.jsonl, holdout72-*.jsonl: written blind (640 cases) late in session 8, scored once after holdout67-70's mends (in scope en
    /// 99.2%, de 99.1%, zh-CN 98.2%, zh-TW 98.2%; out of scope 97.9%; the matcher session 8 started with: out of scope 97.4%, the rest the
    /// same), then read and mended: development data, floors at what that reaches.
    /// holdout75-*.jsonl to holdout78-*.jsonl: written blind (1,280 cases) at the end of session 8, scored once with the matcher after
    /// holdout71/72's mends (holdout75/76: in scope en 99.2%, de 98.2%, zh-CN 99.1%, zh-TW 99.1%, out of scope 98.4%; holdout77/78: en 98.3%,
    /// de 99.1%, zh-CN and zh-TW 100%, out of scope 97.4%), then read and mended: development data, floors at what that reaches.
    /// </summary>
    [Theory]
    [InlineData("holdout.jsonl", 0.97, 0.97)]
    [InlineData("holdout2.jsonl", 0.97, 0.97)]
    [InlineData("holdout3.jsonl", 0.97, 0.97)]
    [InlineData("holdout4.jsonl", 0.99, 0.99)]
    [InlineData("holdout5.jsonl", 0.99, 0.99)]
    [InlineData("holdout11-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout11-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout12-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout12-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout13-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout13-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout14-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout14-zh.jsonl", 0.97, 0.99)]
    [InlineData("holdout15-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout15-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout16-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout16-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout17-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout17-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout18-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout18-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout6-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout6-zh.jsonl", 0.98, 0.99)]
    [InlineData("holdout6-a.jsonl", 0.99, 0.99)]
    [InlineData("holdout7-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout7-zh.jsonl", 0.99, 0.97)]
    [InlineData("holdout8-ende.jsonl", 0.97, 0.97)]
    [InlineData("holdout8-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout9-ende.jsonl", 0.97, 0.99)]
    [InlineData("holdout9-zh.jsonl", 0.97, 0.99)]
    [InlineData("holdout10-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout10-zh.jsonl", 0.97, 0.99)]
    [InlineData("holdout29-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout29-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout30-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout30-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout33-ende.jsonl", 0.97, 0.97)]
    [InlineData("holdout33-zh.jsonl", 0.99, 0.96)]
    [InlineData("holdout34-ende.jsonl", 0.98, 0.97)]
    [InlineData("holdout34-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout43-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout43-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout44-ende.jsonl", 0.97, 0.99)]
    [InlineData("holdout44-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout53-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout53-zh.jsonl", 0.98, 0.98)]
    [InlineData("holdout54-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout54-zh.jsonl", 0.99, 0.96)]
    [InlineData("holdout57-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout57-zh.jsonl", 0.98, 0.99)]
    [InlineData("holdout58-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout58-zh.jsonl", 0.97, 0.98)]
    [InlineData("holdout73-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout73-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout74-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout74-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout27-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout27-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout28-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout28-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout25-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout25-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout26-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout26-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout19-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout19-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout20-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout20-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout21-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout21-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout22-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout22-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout23-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout23-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout24-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout24-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout31-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout31-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout32-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout32-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout35-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout35-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout36-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout36-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout37-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout37-zh.jsonl", 0.98, 0.99)]
    [InlineData("holdout38-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout38-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout39-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout39-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout40-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout40-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout41-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout41-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout42-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout42-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout45-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout45-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout46-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout46-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout47-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout47-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout48-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout48-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout49-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout49-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout50-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout50-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout51-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout51-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout52-ende.jsonl", 0.95, 0.99)]
    [InlineData("holdout52-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout55-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout55-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout56-ende.jsonl", 0.99, 0.95)]
    [InlineData("holdout56-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout59-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout59-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout60-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout60-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout61-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout61-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout62-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout62-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout63-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout63-zh.jsonl", 0.98, 0.99)]
    [InlineData("holdout64-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout64-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout65-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout65-zh.jsonl", 0.99, 0.98)]
    [InlineData("holdout66-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout66-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout67-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout67-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout68-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout68-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout69-ende.jsonl", 0.99, 0.97)]
    [InlineData("holdout69-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout70-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout70-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout71-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout71-zh.jsonl", 0.98, 0.99)]
    [InlineData("holdout72-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout72-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout75-ende.jsonl", 0.98, 0.99)]
    [InlineData("holdout75-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout76-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout76-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout77-ende.jsonl", 0.99, 0.99)]
    [InlineData("holdout77-zh.jsonl", 0.99, 0.99)]
    [InlineData("holdout78-ende.jsonl", 0.97, 0.97)]
    [InlineData("holdout78-zh.jsonl", 0.99, 0.99)]
    public void Match_IndependentSet_MeetsFloors(string file, double inScopeFloor, double noneFloor)
    {
        var cases = Load(file);
        Assert.NotEmpty(cases);
        var unknown = cases.Where(c => c.Expect != "none" && SymptomOf(SharedCatalog.Catalog, c.Expect) is null).Select(c => c.Id).ToList();
        Assert.True(unknown.Count == 0, $"{file} labels that name no documented message: " + string.Join(", ", unknown));

        var scored = cases.Select(c => (Case: c, Result: SharedCatalog.Matcher.Match(c.Text))).Select(r => (r.Case, r.Result, Correct: IsCorrect(r.Case, r.Result))).ToList();
        static string Rate<T>(IReadOnlyCollection<T> all, Func<T, bool> correct) => $"{(double)all.Count(correct) / all.Count:P1} ({all.Count(correct)}/{all.Count})";
        foreach (var kind in scored.GroupBy(r => r.Case.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{file} kind {kind.Key}: {Rate(kind.ToList(), r => r.Correct)}");
        }
        foreach (var group in scored.GroupBy(r => (r.Case.Expect == "none" ? "out of scope" : "in scope") + ", " + r.Case.Lang.ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{file} {group.Key}: {Rate(group.ToList(), r => r.Correct)}");
        }
        foreach (var failure in scored.Where(r => !r.Correct))
        {
            output.WriteLine($"  miss {failure.Case.Id} [{failure.Case.Lang}] \"{Short(failure.Case.Text)}\" expected \"{Short(failure.Case.Expect)}\", got {failure.Result.Decision} {Short(failure.Result.Top?.Message ?? "-")}");
        }
        var inScope = scored.Where(r => r.Case.Expect != "none").ToList();
        var outOfScope = scored.Where(r => r.Case.Expect == "none").ToList();
        output.WriteLine($"{file} in-scope: {Rate(inScope, r => r.Correct)}, out-of-scope none: {Rate(outOfScope, r => r.Correct)}");
        Assert.True(inScope.Count(r => r.Correct) >= inScopeFloor * inScope.Count, $"{file} in-scope {Rate(inScope, r => r.Correct)} < {inScopeFloor:P0}");
        Assert.True(outOfScope.Count(r => r.Correct) >= noneFloor * outOfScope.Count, $"{file} none {Rate(outOfScope, r => r.Correct)} < {noneFloor:P0}");
    }

    /// <summary>
    /// Every text of every evaluation set, wrapped as people paste it (a mail header before, a greeting after, its lines reversed), is
    /// matched without an exception: a text that threw once took a whole <c>match --jsonl</c> run down.
    /// </summary>
    [Fact]
    public void Match_EveryEvaluationTextWrappedAndReordered_NeverThrows()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "TriageBot.Core.Tests", "Matching");
        var texts = Directory.GetFiles(folder, "*.jsonl").SelectMany(f => Load(Path.GetFileName(f))).Select(c => c.Text).ToList();
        Assert.True(texts.Count > 10_000, $"only {texts.Count} evaluation texts found");

        var failures = new List<string>();
        foreach (var text in texts)
        {
            foreach (var variant in (string[])[$"Sent 14:07\nHi team,\n{text}\nCheers, Liam", string.Join('\n', text.Split('\n').Reverse()), text.ToUpperInvariant()])
            {
                try
                {
                    SharedCatalog.Matcher.Match(variant);
                }
                catch (Exception ex)
                {
                    failures.Add($"{ex.GetType().Name} on {Short(variant)}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(10)));
    }

    /// <summary>
    /// Every in-scope case of every evaluation set that is found on its own is still found inside a chat transcript: chat lines before
    /// it, known words and unknown ones, with a line between them ("Tom 11:02 AM / anyone else? / hello / ..."), and after it. A short
    /// paste whose known lines were not consecutive was once read in its first window only (221 verbatim messages lost).
    /// </summary>
    [Fact]
    public void Match_EveryCaseFoundAloneInsideAChatTranscript_IsStillFound()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "TriageBot.Core.Tests", "Matching");
        var found = Directory.GetFiles(folder, "*.jsonl").SelectMany(f => Load(Path.GetFileName(f)))
            .Where(c => c.Expect != "none" && IsCorrect(c, SharedCatalog.Matcher.Match(c.Text))).ToList();
        Assert.True(found.Count > 10_000, $"only {found.Count} cases found alone");

        var failures = new List<string>();
        foreach (var c in found)
        {
            foreach (var text in (string[])[$"Tom 11:02 AM\nanyone else?\nhello\n{c.Text}", $"{c.Text}\nhello\nanyone else?"])
            {
                if (!IsCorrect(c, SharedCatalog.Matcher.Match(text)))
                {
                    failures.Add($"{c.Id}: {Short(text)}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} lost:\n" + string.Join('\n', failures.Take(10)));
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
