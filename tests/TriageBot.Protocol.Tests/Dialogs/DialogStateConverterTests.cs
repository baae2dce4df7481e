using System.Text.Json;
using TriageBot.Protocol.Dialogs;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Tests.Dialogs;

public class DialogStateConverterTests
{
    [Fact]
    public void Deserialize_InstanceState_NormalisesEveryJsonElement()
    {
        var state = new DialogState();
        state.DialogStack.Add(new DialogInstance
        {
            Id = "d",
            State = new Dictionary<string, object?>
            {
                ["int"] = 3,
                ["double"] = 1.5,
                ["text"] = "a",
                ["flag"] = true,
                ["none"] = null,
                ["list"] = new[] { 1, 2 },
                ["nested"] = new Dictionary<string, object?> { ["n"] = 7 },
            },
        });

        var back = JsonSerializer.Deserialize<DialogState>(JsonSerializer.Serialize(state, ProtocolJson.Options), ProtocolJson.Options)!;

        var values = back.DialogStack.Single().State;
        Assert.Equal(3L, values["int"]);
        Assert.Equal(1.5, values["double"]);
        Assert.Equal("a", values["text"]);
        Assert.Equal(true, values["flag"]);
        Assert.Null(values["none"]);
        Assert.Equal([1L, 2L], Assert.IsType<List<object?>>(values["list"]));
        Assert.Equal(7L, Assert.IsType<Dictionary<string, object?>>(values["nested"])["n"]);
    }

    [Fact]
    public void ConvertTo_DictionaryFromStorage_ReturnsTypedObject()
    {
        var stored = new Dictionary<string, object?> { ["prompt"] = new Dictionary<string, object?> { ["type"] = "message", ["text"] = "Plan?" } };

        var options = DialogStateConverter.ConvertTo<PromptOptions>(stored)!;

        Assert.Equal("Plan?", options.Prompt!.Text);
    }
    [Theory]
    // The shape this layer writes: taken over without a JSON round trip.
    [InlineData("""{"dialogStack":[{"id":"a","state":{"stepIndex":1,"values":{"x":[1,"y",null]}}},{"id":"b","state":{}}]}""")]
    // Anything else goes through JSON: an extra field, different casing, a null state, an empty stack.
    [InlineData("""{"dialogStack":[{"id":"a","state":{"n":2},"extra":true}]}""")]
    [InlineData("""{"DialogStack":[{"Id":"a","State":{"n":2}}]}""")]
    [InlineData("""{"dialogStack":[{"id":"a","state":null}]}""")]
    [InlineData("""{"dialogStack":[]}""")]
    public void ToDialogState_StoredStack_SameAsThroughJson(string json)
    {
        var stored = JsonSerializer.Deserialize<DialogInstance>("""{"id":"outer","state":{"dialogs":""" + json + "}}", ProtocolJson.Options)!.State["dialogs"];

        var fast = DialogStateConverter.ToDialogState(stored);
        var throughJson = DialogStateConverter.ConvertTo<DialogState>(stored);

        Assert.Equal(JsonSerializer.Serialize(throughJson, ProtocolJson.Options), JsonSerializer.Serialize(fast, ProtocolJson.Options));
        Assert.Equal(throughJson!.DialogStack.Select(d => d.Id), fast!.DialogStack.Select(d => d.Id));
    }
}
