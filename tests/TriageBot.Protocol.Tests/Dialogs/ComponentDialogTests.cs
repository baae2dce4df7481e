using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Dialogs;
using TriageBot.Testing;
using static TriageBot.Protocol.Tests.Dialogs.DialogHarness;

namespace TriageBot.Protocol.Tests.Dialogs;

public class ComponentDialogTests
{
    private const string PlanQuestion = "Which plan?\n\n1. E\n2. P";

    private readonly DialogHarness _harness = new();

    [Fact]
    public async Task RunAsync_FullConversation_NestedChildResultReachesParentAndRunAsync()
    {
        await _harness.Flow(MainDialog())
            .Send("hi").AssertReply("Name?")
            .Send("Ann").AssertReply(PlanQuestion)
            .Send("E").AssertReply("Plan E, right?\n\n1. Yes\n2. No")
            .Send("yes").AssertReply("Ann on E")
            .StartTestAsync();

        Assert.Equal(new DialogTurnResult(DialogTurnStatus.Complete, "E"), _harness.Results[^1]);
        Assert.Empty(await _harness.StoredStackAsync());
    }

    [Fact]
    public async Task OnContinueDialogAsync_CancelAtFirstStep_CancelsAllAndNextMessageStartsOver()
    {
        await _harness.Flow(MainDialog())
            .Send("hi").AssertReply("Name?")
            .Send("cancel").AssertReply("Cancelled.")
            .StartTestAsync();

        Assert.Equal(DialogTurnStatus.Cancelled, _harness.Results[^1].Status);
        Assert.Empty(await _harness.StoredStackAsync());

        await _harness.Flow(MainDialog()).Send("hi again").AssertReply("Name?").StartTestAsync();
    }

    [Fact]
    public async Task OnContinueDialogAsync_CancelInNestedChildsPrompt_CancelsWholeStack()
    {
        await _harness.Flow(MainDialog())
            .Send("hi").AssertReply("Name?")
            .Send("Ann").AssertReply(PlanQuestion)
            .Send("P").AssertReply("Plan P, right?\n\n1. Yes\n2. No")
            .Send("Cancel").AssertReply("Cancelled.")
            .StartTestAsync();

        Assert.Equal(DialogTurnStatus.Cancelled, _harness.Results[^1].Status);
        Assert.Empty(await _harness.StoredStackAsync());
    }

    [Fact]
    public async Task OnContinueDialogAsync_Help_RepliesAndRepromptsThenContinues()
    {
        await _harness.Flow(MainDialog())
            .Send("hi").AssertReply("Name?")
            .Send("Ann").AssertReply(PlanQuestion)
            .Send("help").AssertReply("Answer the question, or say cancel.").AssertReply(PlanQuestion)
            .Send("P").AssertReply("Plan P, right?\n\n1. Yes\n2. No")
            .Send("no").AssertReply("Ann on unsure")
            .StartTestAsync();
    }

    [Fact]
    public async Task OnContinueDialogAsync_HelpInsideChildComponent_RepromptsInnermostPrompt()
    {
        var child = new TestComponent(
            "child",
            new WaterfallDialog("child-steps",
            [
                (step, ct) => step.PromptAsync("ticket", Ask("Ticket number?"), ct),
                (step, ct) => step.EndDialogAsync($"#{step.Result}", ct),
            ]),
            new TextPrompt("ticket"));
        var root = new CancelAndHelpDialog(
            "root",
            new WaterfallDialog("root-steps",
            [
                (step, ct) => step.BeginDialogAsync("child", null, ct),
                async (step, ct) =>
                {
                    await step.Context.SendActivityAsync($"Got {step.Result}", ct);
                    return await step.EndDialogAsync(step.Result, ct);
                },
            ]),
            child);

        await _harness.Flow(root)
            .Send("hi").AssertReply("Ticket number?")
            .Send("help").AssertReply("Answer the question, or say cancel.").AssertReply("Ticket number?")
            .Send("42").AssertReply("Got #42")
            .StartTestAsync();

        Assert.Equal(new DialogTurnResult(DialogTurnStatus.Complete, "#42"), _harness.Results[^1]);
    }

    [Fact]
    public async Task RunAsync_NewBotObjectsEveryTurn_ContinuesFromStorageAlone()
    {
        var storage = new MemoryStorage();
        var adapter = new TestAdapter();

        // Nothing survives between turns but the storage: state, accessor and dialogs are rebuilt per turn.
        var flow = new TestFlow(adapter, async (turnContext, ct) =>
        {
            var conversationState = new ConversationState(storage);
            await MainDialog().RunAsync(turnContext, conversationState.CreateProperty<DialogState>("DialogState"), ct);
            await conversationState.SaveChangesAsync(turnContext, false, ct);
        });

        await flow
            .Send("hi").AssertReply("Name?")
            .Send("Bo").AssertReply(PlanQuestion)
            .Send("2").AssertReply("Plan P, right?\n\n1. Yes\n2. No")
            .Send("y").AssertReply("Bo on P")
            .StartTestAsync();
    }

    /// <summary>
    /// main: name (text) -> plan (child waterfall: choice, then confirm) -> summary. Interruptions in one place.
    /// </summary>
    private static CancelAndHelpDialog MainDialog() => new(
        "main",
        new WaterfallDialog("main-steps",
        [
            (step, ct) => step.PromptAsync("name", Ask("Name?"), ct),
            (step, ct) =>
            {
                step.Values["name"] = step.Result;
                return step.BeginDialogAsync("plan-steps", null, ct);
            },
            async (step, ct) =>
            {
                await step.Context.SendActivityAsync($"{step.Values["name"]} on {step.Result}", ct);
                return await step.EndDialogAsync(step.Result, ct);
            },
        ]),
        new WaterfallDialog("plan-steps",
        [
            (step, ct) => step.PromptAsync("plan", Ask("Which plan?", null, new Choice("E", "enterprise"), new Choice("P", "professional")), ct),
            (step, ct) =>
            {
                var plan = ((FoundChoice)step.Result!).Value;
                step.Values["plan"] = plan;
                return step.PromptAsync("confirm", Ask($"Plan {plan}, right?"), ct);
            },
            (step, ct) => step.EndDialogAsync((bool)step.Result! ? step.Values["plan"] : "unsure", ct),
        ]),
        new TextPrompt("name"),
        new ChoicePrompt("plan"),
        new ConfirmPrompt("confirm"));
}
