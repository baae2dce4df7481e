using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Dialogs;
using TriageBot.Testing;
using static TriageBot.Protocol.Tests.Dialogs.DialogHarness;

namespace TriageBot.Protocol.Tests.Dialogs;

public class DialogContextTests
{
    private readonly DialogHarness _harness = new();

    [Fact]
    public async Task EndDialogAsync_ChildWaterfallEnds_ParentResumesWithResult()
    {
        var root = new TestComponent(
            "root",
            new WaterfallDialog("parent",
            [
                (step, ct) => step.BeginDialogAsync("child", null, ct),
                async (step, ct) =>
                {
                    await step.Context.SendActivityAsync($"parent got {step.Result}", ct);
                    return await step.EndDialogAsync(step.Result, ct);
                },
            ]),
            new WaterfallDialog("child",
            [
                (step, ct) => step.PromptAsync("text", Ask("Child asks"), ct),
                (step, ct) => step.EndDialogAsync($"child:{step.Result}", ct),
            ]),
            new TextPrompt("text"));

        await _harness.Flow(root)
            .Send("hi").AssertReply("Child asks")
            .Send("x").AssertReply("parent got child:x")
            .StartTestAsync();

        Assert.Equal(new DialogTurnResult(DialogTurnStatus.Complete, "child:x"), _harness.Results[^1]);
    }

    [Fact]
    public async Task ReplaceDialogAsync_Loop_KeepsStackDepth()
    {
        var root = new TestComponent(
            "root",
            new WaterfallDialog("loop",
            [
                (step, ct) => step.PromptAsync("text", Ask("Another?"), ct),
                (step, ct) => (string)step.Result! == "stop"
                    ? step.EndDialogAsync("stopped", ct)
                    : step.ReplaceDialogAsync("loop", null, ct),
            ]),
            new TextPrompt("text"));

        await _harness.Flow(root)
            .Send("go").AssertReply("Another?")
            .Send("a").AssertReply("Another?")
            .Send("b").AssertReply("Another?")
            .StartTestAsync();
        var stack = await _harness.StoredStackAsync();
        Assert.Equal(2, stack.Single()!["state"]!["dialogs"]!["dialogStack"]!.AsArray().Count);

        await _harness.Flow(root).Send("stop").AssertNoReply().StartTestAsync();
        Assert.Equal(new DialogTurnResult(DialogTurnStatus.Complete, "stopped"), _harness.Results[^1]);
    }

    [Fact]
    public async Task CancelAllDialogsAsync_NothingActive_ReturnsEmpty()
    {
        DialogTurnResult? result = null;
        var set = new DialogSet(_harness.DialogState);

        await new TestFlow(_harness.Adapter, async (turnContext, ct) =>
            {
                var dc = await set.CreateContextAsync(turnContext, ct);
                result = await dc.CancelAllDialogsAsync(ct);
            })
            .Send("hi").AssertNoReply()
            .StartTestAsync();

        Assert.Equal(DialogTurnStatus.Empty, result!.Status);
    }

    [Fact]
    public async Task ContinueDialogAsync_StoredDialogNoLongerExists_ThrowsNamingIt()
    {
        var old = new TestComponent("old", new TextPrompt("text"), new WaterfallDialog("w", [(step, ct) => step.PromptAsync("text", Ask("Q?"), ct)]));
        old.InitialDialogId = "w";
        await _harness.Flow(old).Send("hi").AssertReply("Q?").StartTestAsync();

        var renamed = new TestComponent("new", new TextPrompt("text"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.Flow(renamed).Send("answer").StartTestAsync());

        Assert.Contains("'old'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginDialogAsync_UnknownId_Throws()
    {
        var root = new WaterfallDialog("root", [(step, ct) => step.BeginDialogAsync("missing", null, ct)]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.Flow(root).Send("hi").StartTestAsync());

        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DialogSetAdd_DifferentDialogSameId_Throws()
    {
        var set = new DialogSet().Add(new TextPrompt("p"));

        Assert.Throws<ArgumentException>(() => set.Add(new TextPrompt("p")));
    }

    [Fact]
    public async Task RunAsync_FromActivityHandler_StateSavedOnceAtEndOfTurn()
    {
        var storage = new MemoryStorage();
        var bot = new DialogBot(new ConversationState(storage), new TestComponent(
            "root",
            new WaterfallDialog("w",
            [
                (step, ct) => step.PromptAsync("text", Ask("Name?"), ct),
                async (step, ct) =>
                {
                    await step.Context.SendActivityAsync($"Hi {step.Result}", ct);
                    return await step.EndDialogAsync(null, ct);
                },
            ]),
            new TextPrompt("text")));

        await new TestFlow(new TestAdapter(), bot)
            .Send("hello").AssertReply("Name?")
            .Send("Ann").AssertReply("Hi Ann")
            .StartTestAsync();
    }

    /// <summary>How a host runs a dialog: RunAsync on each message, conversation state saved once at the end of the turn.</summary>
    private sealed class DialogBot(ConversationState conversationState, Dialog dialog) : ActivityHandler
    {
        private readonly IStatePropertyAccessor<DialogState> _dialogState = conversationState.CreateProperty<DialogState>("DialogState");

        public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
        {
            await base.OnTurnAsync(turnContext, cancellationToken);
            await conversationState.SaveChangesAsync(turnContext, false, cancellationToken);
        }

        protected override Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
            dialog.RunAsync(turnContext, _dialogState, cancellationToken);
    }
}
