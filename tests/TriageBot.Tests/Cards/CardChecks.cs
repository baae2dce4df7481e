using System.Text.Json;
using TriageBot.Protocol.Schema;
using TriageBot.Tests.TeamsApp;
using Xunit.Abstractions;
using Activity = TriageBot.Protocol.Schema.Activity;

namespace TriageBot.Tests.Cards;

/// <summary>The checks every card the bot can send must pass: by size, and by the official Adaptive Cards library.</summary>
internal static class CardChecks
{
    public const int TeamsCardLimitBytes = 28 * 1024;

    public static int SizeOf(Activity card) => JsonSerializer.SerializeToUtf8Bytes(card, ProtocolJson.Options).Length;

    /// <summary>Each card is under the Teams size limit and has a text fallback (the summary) for clients without cards.</summary>
    public static void AssertUnderTheTeamsSizeLimitWithFallbackText(IEnumerable<(string Name, Activity Card)> cards)
    {
        foreach (var (name, activity) in cards)
        {
            var size = SizeOf(activity);
            Assert.True(size < TeamsCardLimitBytes, $"{name}: {size} bytes");
            Assert.False(string.IsNullOrWhiteSpace(activity.Summary), $"{name} has no text fallback");
        }
    }

    /// <summary>
    /// Writes each card's Adaptive Card (its one attachment's content) to <paramref name="folder"/> as <c>{name}.json</c>
    /// and has tests/e2e-tools/validate-cards.cjs (npm adaptivecards) parse them all: it must find 0 problems. The npm
    /// packages are installed first when they are missing (the test installs what it needs rather than skipping).
    /// </summary>
    public static async Task AssertPassTheOfficialAdaptiveCardsLibraryAsync(IEnumerable<(string Name, Activity Card)> cards, string folder, ITestOutputHelper output, int outputTail = int.MaxValue)
    {
        foreach (var (name, activity) in cards)
        {
            var content = JsonSerializer.SerializeToElement(activity.Attachments!.Single().Content);
            await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), content.GetRawText());
        }
        await ManifestValidator.EnsureInstalledAsync("adaptivecards");

        var (exit, text) = await ManifestValidator.RunAsync("node", ["validate-cards.cjs", folder], ManifestValidator.Tools);

        output.WriteLine(text.Length > outputTail ? text[^outputTail..] : text);
        Assert.True(exit == 0, text);
        Assert.Contains(" 0 problems", text);
    }
}
