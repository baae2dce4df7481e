using System.Text.Json.Nodes;
using TriageBot.Cards;

namespace TriageBot.Tests.Cards;

public sealed class CardTemplateTests
{
    private static JsonObject Bind(string template, string data) =>
        new CardTemplate((JsonObject)JsonNode.Parse(template)!).Bind(JsonNode.Parse(data)!);

    [Fact]
    public void Bind_Expressions_FillStringsAndKeepTypes()
    {
        var card = Bind("""{"text":"Hi ${name}!","flag":"${on}","list":"${items}"}""", """{"name":"Ada","on":true,"items":[1,2]}""");

        Assert.Equal("Hi Ada!", card["text"]!.GetValue<string>());
        Assert.True(card["flag"]!.GetValue<bool>());
        Assert.Equal(2, card["list"]!.AsArray().Count);
    }

    [Fact]
    public void Bind_DataOnArrayElement_RepeatsItPerItemWithRootAccess()
    {
        var card = Bind("""{"body":[{"$data":"${rows}","text":"${label} of ${$root.total}"}]}""", """{"total":2,"rows":[{"label":"a"},{"label":"b"}]}""");

        Assert.Equal(["a of 2", "b of 2"], card["body"]!.AsArray().Select(e => e!["text"]!.GetValue<string>()));
    }

    [Fact]
    public void Bind_When_DropsElementsWhoseConditionIsFalsy()
    {
        var card = Bind("""{"body":[{"$when":"${show}","t":1},{"$when":"${hide}","t":2},{"$when":"${empty}","t":3},{"t":4}]}""", """{"show":true,"hide":false,"empty":""}""");

        Assert.Equal([1, 4], card["body"]!.AsArray().Select(e => e!["t"]!.GetValue<int>()));
    }

    [Fact]
    public void Bind_MissingValue_IsEmpty() =>
        Assert.Equal("x=", Bind("""{"t":"x=${nope}"}""", "{}")["t"]!.GetValue<string>());
}
