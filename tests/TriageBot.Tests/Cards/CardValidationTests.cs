using System.Diagnostics;
using System.Text.Json;
using TriageBot.Dialogs;
using TriageBot.Protocol.Schema;
using Activity = TriageBot.Protocol.Schema.Activity;
using TriageBot.Tests.Dialogs;
using Xunit.Abstractions;

namespace TriageBot.Tests.Cards;

/// <summary>
/// Every card the bot can send, for every catalog entry and language, checked by the official
/// Adaptive Cards JavaScript library (npm adaptivecards) and by size.
/// </summary>
public sealed class CardValidationTests(ITestOutputHelper output) : IDisposable
{
    private const int TeamsCardLimitBytes = 28 * 1024;
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-cards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<(string Name, Activity Card)> EveryCard()
    {
        var catalog = TriageBotFactory.Catalog;
        var cards = TriageBotFactory.Cards;
        var flows = TriageBotFactory.Flows;
        foreach (var locale in BotTexts.Languages)
        {
            foreach (var symptom in catalog.Symptoms)
            {
                foreach (var cause in symptom.Causes)
                {
                    yield return ($"fix-{cause.Id.Replace('/', '-')}-{locale}", cards.Resolution(symptom, cause, locale, "flow", "intro"));
                }
            }
            foreach (var question in flows.Questions.Values)
            {
                yield return ($"question-{question.Id}-{locale}", cards.Question(question, locale, "flow", "This is the documented error **X**."));
            }
            var candidates = catalog.Symptoms.Take(3).Select(s => (s, s.Causes[0].Message.Get(locale).Plain)).ToList();
            yield return ($"choose-{locale}", cards.Choose(candidates, locale, "flow"));
            yield return ($"nomatch-{locale}", cards.NoMatch(locale, "flow"));
            yield return ($"form-{locale}", cards.EscalationForm(locale, "flow", flows.Questions["scope"], "one", "ada@contoso.com"));
            var fallback = catalog.Procedures[flows.Fallback].Get(locale);
            yield return ($"fallback-{locale}", cards.Fallback(fallback, locale, "flow", "intro"));
        }
    }

    [Fact]
    public void EveryCard_IsUnderTheTeamsSizeLimitAndHasAFallbackText()
    {
        var all = EveryCard().ToList();

        Assert.True(all.Count > 100, $"only {all.Count} cards");
        foreach (var (name, activity) in all)
        {
            var size = JsonSerializer.SerializeToUtf8Bytes(activity, ProtocolJson.Options).Length;
            Assert.True(size < TeamsCardLimitBytes, $"{name}: {size} bytes");
            Assert.False(string.IsNullOrWhiteSpace(activity.Summary), $"{name} has no text fallback");
        }
        output.WriteLine($"{all.Count} cards, largest {all.Max(c => JsonSerializer.SerializeToUtf8Bytes(c.Card, ProtocolJson.Options).Length)} bytes");
    }

    [Fact]
    public async Task EveryCard_PassesTheOfficialAdaptiveCardsLibrary()
    {
        foreach (var (name, activity) in EveryCard())
        {
            var content = (JsonElement)JsonSerializer.SerializeToElement(activity.Attachments!.Single().Content);
            await File.WriteAllTextAsync(Path.Combine(_folder, name + ".json"), content.GetRawText());
        }
        var tools = Path.Combine(RepositoryPaths.Root, "tests", "e2e-tools");
        if (!File.Exists(Path.Combine(tools, "node_modules", "adaptivecards", "package.json")))
        {
            // The test installs what it needs rather than skipping.
            var (installExit, installOut) = await RunAsync("npm", $"ci --no-audit --no-fund --loglevel=error", tools);
            Assert.True(installExit == 0, installOut);
        }

        var (exit, text) = await RunAsync("node", $"validate-cards.cjs \"{_folder}\"", tools);

        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains(" 0 problems", text);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
