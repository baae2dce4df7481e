using TriageBot.Protocol.Dialogs;
using TriageBot.Protocol.Schema;
using static TriageBot.Protocol.Tests.Dialogs.DialogHarness;

namespace TriageBot.Protocol.Tests.Dialogs;

public class TextPromptTests
{
    private readonly DialogHarness _harness = new();

    [Fact]
    public async Task TextPrompt_Answered_NextStepGetsText()
    {
        await _harness.Flow(AskName(new TextPrompt("name")))
            .Send("hi").AssertReply("What's your name?")
            .Send("Ann").AssertReply("Hello Ann")
            .StartTestAsync();

        Assert.Equal(DialogTurnStatus.Complete, _harness.Results[^1].Status);
        Assert.Equal("Ann", _harness.Results[^1].Result);
    }

    [Fact]
    public async Task TextPrompt_NonMessageActivity_IsIgnoredAndStillWaits()
    {
        await _harness.Flow(AskName(new TextPrompt("name")))
            .Send("hi").AssertReply("What's your name?")
            .Send(new Activity { Type = ActivityTypes.Typing }).AssertNoReply()
            .Send("Ann").AssertReply("Hello Ann")
            .StartTestAsync();
    }

    [Fact]
    public async Task Validator_Rejects_SendsRetryPromptUntilValid()
    {
        var attempts = new List<int>();
        var prompt = new TextPrompt("name", (context, _) =>
        {
            attempts.Add(context.AttemptCount);
            return Task.FromResult(context.Recognized.Succeeded && context.Recognized.Value!.Length >= 3);
        });

        await _harness.Flow(AskName(prompt))
            .Send("hi").AssertReply("What's your name?")
            .Send("Al").AssertReply("At least 3 letters, please.")
            .Send("Bo").AssertReply("At least 3 letters, please.")
            .Send("Ann").AssertReply("Hello Ann")
            .StartTestAsync();

        Assert.Equal([1, 2, 3], attempts);
    }

    [Fact]
    public async Task Validator_RepliesItself_NoRetryPromptAdded()
    {
        var prompt = new TextPrompt("name", async (context, ct) =>
        {
            if (context.Recognized.Value == "Al")
            {
                await context.Context.SendActivityAsync("Al is taken.", ct);
                return false;
            }

            return true;
        });

        await _harness.Flow(AskName(prompt))
            .Send("hi").AssertReply("What's your name?")
            .Send("Al").AssertReply("Al is taken.")
            .Send("Ann").AssertReply("Hello Ann")
            .StartTestAsync();
    }

    private static TestComponent AskName(TextPrompt prompt) => new(
        "root",
        new WaterfallDialog("ask",
        [
            (step, ct) => step.PromptAsync("name", Ask("What's your name?", "At least 3 letters, please."), ct),
            async (step, ct) =>
            {
                await step.Context.SendActivityAsync($"Hello {step.Result}", ct);
                return await step.EndDialogAsync(step.Result, ct);
            },
        ]),
        prompt);
}
