using TriageBot.Protocol.Dialogs;
using static TriageBot.Protocol.Tests.Dialogs.DialogHarness;

namespace TriageBot.Protocol.Tests.Dialogs;

public class WaterfallDialogTests
{
    private readonly DialogHarness _harness = new();

    [Fact]
    public async Task RunAsync_ThreeSteps_RunsOneStepPerTurnThenStartsOver()
    {
        var dialog = new WaterfallDialog("waterfall",
        [
            async (step, ct) => { await step.Context.SendActivityAsync("step1", ct); return Dialog.EndOfTurn; },
            async (step, ct) => { await step.Context.SendActivityAsync($"step2 got {step.Result}", ct); return Dialog.EndOfTurn; },
            async (step, ct) => { await step.Context.SendActivityAsync($"step3 got {step.Result}", ct); return await step.EndDialogAsync("done", ct); },
        ]);

        await _harness.Flow(dialog)
            .Send("hello").AssertReply("step1")
            .Send("a").AssertReply("step2 got a")
            .Send("b").AssertReply("step3 got b")
            .Send("again").AssertReply("step1")
            .StartTestAsync();

        Assert.Equal(
            [DialogTurnStatus.Waiting, DialogTurnStatus.Waiting, DialogTurnStatus.Complete, DialogTurnStatus.Waiting],
            _harness.Results.Select(r => r.Status));
        Assert.Equal("done", _harness.Results[2].Result);
    }

    [Fact]
    public async Task Values_IntStoredOnEarlierTurn_ComesBackAsInt64()
    {
        var seen = new List<object?>();
        var dialog = new WaterfallDialog("counter",
        [
            async (step, ct) =>
            {
                step.Values["count"] = 1;
                step.Values["name"] = "ann";
                await step.Context.SendActivityAsync("first", ct);
                return Dialog.EndOfTurn;
            },
            async (step, ct) =>
            {
                seen.Add(step.Values["count"]);
                seen.Add(step.Values["name"]);
                var count = Convert.ToInt32(step.Values["count"], System.Globalization.CultureInfo.InvariantCulture) + 1;
                await step.Context.SendActivityAsync($"count {count}", ct);
                return await step.EndDialogAsync(count, ct);
            },
        ]);

        await _harness.Flow(dialog)
            .Send("go").AssertReply("first")
            .Send("next").AssertReply("count 2")
            .StartTestAsync();

        Assert.Equal([1L, "ann"], seen);
    }

    [Fact]
    public async Task NextAsync_SkipsToNextStepInSameTurn_WithResultAndReason()
    {
        var dialog = new WaterfallDialog("skip",
        [
            (step, ct) => step.NextAsync("skipped", ct),
            async (step, ct) =>
            {
                await step.Context.SendActivityAsync($"{step.Index}: {step.Result} ({step.Reason})", ct);
                return await step.EndDialogAsync(null, ct);
            },
        ]);

        await _harness.Flow(dialog)
            .Send("go").AssertReply("1: skipped (NextCalled)")
            .StartTestAsync();

        Assert.Equal(DialogTurnStatus.Complete, _harness.Results.Single().Status);
    }

    [Fact]
    public async Task Options_ObjectOnLaterTurn_ConvertsBackToType()
    {
        var parent = new WaterfallDialog("parent", [(step, ct) => step.BeginDialogAsync("child", new Order("E", 3), ct)]);
        var child = new WaterfallDialog("child",
        [
            async (step, ct) =>
            {
                await step.Context.SendActivityAsync($"{((Order)step.Options!).Plan}?", ct);
                return Dialog.EndOfTurn;
            },
            async (step, ct) =>
            {
                var order = DialogStateConverter.ConvertTo<Order>(step.Options)!;
                await step.Context.SendActivityAsync($"{order.Plan} x{order.Seats}", ct);
                return await step.EndDialogAsync(null, ct);
            },
        ]);
        var root = new TestComponent("root", parent, child);

        await _harness.Flow(root)
            .Send("go").AssertReply("E?")
            .Send("yes").AssertReply("E x3")
            .StartTestAsync();
    }

    [Fact]
    public async Task RunAsync_WaitingMidWaterfall_PersistsStackAndStepIndexInStorage()
    {
        var dialog = new WaterfallDialog("waterfall",
        [
            (step, ct) => step.PromptAsync("name", Ask("Name?"), ct),
            (step, ct) => step.EndDialogAsync(step.Result, ct),
        ]);
        var root = new TestComponent("root", dialog, new TextPrompt("name"));

        await _harness.Flow(root).Send("hi").AssertReply("Name?").StartTestAsync();

        var stack = await _harness.StoredStackAsync();
        var root0 = Assert.Single(stack)!;
        Assert.Equal("root", (string?)root0["id"]);
        var inner = root0["state"]!["dialogs"]!["dialogStack"]!.AsArray();
        Assert.Equal(["name", "waterfall"], inner.Select(i => (string?)i!["id"]));
        Assert.Equal(0, (int)inner[1]!["state"]!["stepIndex"]!);
        Assert.Equal("Name?", (string?)inner[0]!["state"]!["options"]!["prompt"]!["text"]);
    }

    private sealed record Order(string Plan, int Seats);
}
