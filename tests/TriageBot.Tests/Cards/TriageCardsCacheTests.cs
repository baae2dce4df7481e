using System.Text.Json;
using TriageBot.Cards;
using TriageBot.Tests.Dialogs;

namespace TriageBot.Tests.Cards;

/// <summary>Fix and question cards are bound once per content and copied with each conversation's flow id.</summary>
public sealed class TriageCardsCacheTests
{
    private static string Json(TriageBot.Protocol.Schema.Activity card) => ((JsonElement)card.Attachments!.Single().Content!).GetRawText();

    [Fact]
    public void Resolution_SecondFlow_SameCardWithItsOwnFlowIdInEveryButton()
    {
        var cards = new TriageCards(TriageBotFactory.Catalog, TriageBotFactory.Texts);
        var symptom = TriageBotFactory.Catalog["server-is-temporarily-unavailable"];
        var cause = symptom.Causes[0];

        var first = cards.Resolution(symptom, cause, "en-us", "aaaaaaaaaaaa", null);
        var second = cards.Resolution(symptom, cause, "en-us", "bbbbbbbbbbbb", null);

        Assert.Equal(Json(first).Replace("aaaaaaaaaaaa", "bbbbbbbbbbbb", StringComparison.Ordinal), Json(second));
        Assert.Equal(3, JsonDocument.Parse(Json(second)).RootElement.GetProperty("actions").EnumerateArray()
            .Count(a => a.GetProperty("data").GetProperty("flow").GetString() == "bbbbbbbbbbbb"));
        Assert.DoesNotContain("Placeholder", Json(second), StringComparison.Ordinal);
        Assert.Equal(first.Summary, second.Summary);
    }

    [Fact]
    public void Question_DifferentIntroOrLanguage_IsADifferentCard()
    {
        var cards = new TriageCards(TriageBotFactory.Catalog, TriageBotFactory.Texts);
        var question = TriageBotFactory.Flows.Questions["plan"];

        var plain = Json(cards.Question(question, "en-us", "f1", null));
        var intro = Json(cards.Question(question, "en-us", "f1", "This is the documented error **X**."));
        var german = Json(cards.Question(question, "de-de", "f1", null));

        Assert.DoesNotContain("documented error", plain, StringComparison.Ordinal);
        Assert.Contains("documented error", intro, StringComparison.Ordinal);
        Assert.Contains("Welchen Office 365-Plan", german, StringComparison.Ordinal);
    }
}
