using System.Text.Json;
using TriageBot.Protocol.Dialogs;
using TriageBot.Protocol.Schema;
using static TriageBot.Protocol.Tests.Dialogs.DialogHarness;

namespace TriageBot.Protocol.Tests.Dialogs;

public class ChoicePromptTests
{
    private const string Question = "Which plan?\n\n1. E\n2. P";
    private static readonly Choice[] Plans = [new("E", "enterprise", "plan e"), new("P", "professional", "plan p")];

    private readonly DialogHarness _harness = new();

    [Theory]
    [InlineData("E", "E")]
    [InlineData("e", "E")]
    [InlineData("p.", "P")]
    [InlineData("1", "E")]
    [InlineData("2", "P")]
    [InlineData("Enterprise", "E")]
    [InlineData("PROFESSIONAL", "P")]
    [InlineData("we're on P", "P")]
    [InlineData("I think plan e", "E")]
    public async Task ChoicePrompt_Typed_RecognisesChoice(string answer, string expected)
    {
        await _harness.Flow(AskPlan(new ChoicePrompt("plan")))
            .Send("hi").AssertReply(Question)
            .Send(answer).AssertReply($"Plan {expected}")
            .StartTestAsync();
    }

    [Fact]
    public async Task ChoicePrompt_CardSubmitValue_RecognisesChoice()
    {
        await _harness.Flow(AskPlan(new ChoicePrompt("plan")))
            .Send("hi").AssertReply(Question)
            .SendSubmit(new { questionId = "plan", choice = "P" }).AssertReply("Plan P")
            .StartTestAsync();
    }

    [Fact]
    public async Task ChoicePrompt_SubmitPropertyFromConstructor_ReadsThatProperty()
    {
        await _harness.Flow(AskPlan(new ChoicePrompt("plan", submitProperty: "answer")))
            .Send("hi").AssertReply(Question)
            .SendSubmit(new { choice = "E", answer = "P" }).AssertReply("Plan P")
            .StartTestAsync();
    }

    [Theory]
    [InlineData("X")]
    [InlineData("3")]
    [InlineData("e or p")]
    [InlineData("press")]
    public async Task ChoicePrompt_Invalid_SendsRetryPromptWithChoices(string answer)
    {
        await _harness.Flow(AskPlan(new ChoicePrompt("plan")))
            .Send("hi").AssertReply(Question)
            .Send(answer).AssertReply("Please pick E or P.\n\n1. E\n2. P")
            .Send("E").AssertReply("Plan E")
            .StartTestAsync();
    }

    [Fact]
    public async Task ChoicePrompt_CustomRenderer_SendsCardAndAcceptsItsButtons()
    {
        var prompt = new ChoicePrompt("plan") { ChoiceRenderer = RenderCard };

        await _harness.Flow(AskPlan(prompt))
            .Send("hi").AssertReply(reply =>
            {
                Assert.Equal("Which plan?", reply.Text);
                var card = Assert.Single(reply.Attachments!);
                Assert.Equal("application/vnd.microsoft.card.adaptive", card.ContentType);
                var actions = JsonSerializer.SerializeToElement(card.Content).GetProperty("actions").EnumerateArray().ToList();
                Assert.Equal(["E", "P"], actions.Select(a => a.GetProperty("data").GetProperty("choice").GetString()));
            })
            .Send("nonsense").AssertReply(reply => Assert.Equal("Please pick E or P.", reply.Text))
            .SendSubmit(new { choice = "E" }).AssertReply("Plan E")
            .StartTestAsync();
    }

    [Fact]
    public async Task ChoicePrompt_NoRetryPrompt_RepeatsPrompt()
    {
        var dialog = new TestComponent(
            "root",
            new WaterfallDialog("ask", [(step, ct) => step.PromptAsync("plan", Ask("Which plan?", null, Plans), ct), (step, ct) => step.EndDialogAsync(null, ct)]),
            new ChoicePrompt("plan"));

        await _harness.Flow(dialog)
            .Send("hi").AssertReply(Question)
            .Send("X").AssertReply(Question)
            .StartTestAsync();
    }

    [Fact]
    public async Task ChoicePrompt_Answered_EndsWithFoundChoice()
    {
        await _harness.Flow(AskPlan(new ChoicePrompt("plan")))
            .Send("hi").AssertReply(Question)
            .Send("professional").AssertReply("Plan P")
            .StartTestAsync();

        var found = Assert.IsType<FoundChoice>(_harness.Results[^1].Result);
        Assert.Equal(("P", 1, 1f, "professional"), (found.Value, found.Index, found.Score, found.Synonym));
    }

    [Fact]
    public async Task ChoicePrompt_PromptBuilder_BuildsEachPromptFromTheValidationsAndPersistsNoActivity()
    {
        var prompt = new ChoicePrompt("plan")
        {
            PromptBuilder = (options, isRetry) => Text($"{(isRetry ? "Again: " : "")}{DialogStateConverter.ConvertTo<Dictionary<string, string>>(options.Validations)!["question"]}"),
        };
        var dialog = new TestComponent(
            "root",
            new WaterfallDialog("ask",
            [
                (step, ct) => step.PromptAsync("plan", new PromptOptions { Validations = new Dictionary<string, string> { ["question"] = "Which plan?" }, Choices = Plans }, ct),
                async (step, ct) =>
                {
                    await step.Context.SendActivityAsync($"Plan {((FoundChoice)step.Result!).Value}", ct);
                    return await step.EndDialogAsync(null, ct);
                },
            ]),
            prompt);

        await _harness.Flow(dialog)
            .Send("hi").AssertReply("Which plan?")
            .Send("nonsense").AssertReply("Again: Which plan?")
            .StartTestAsync();

        var stored = (await _harness.StoredStackAsync()).ToJsonString();
        Assert.Contains("\"question\":\"Which plan?\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\"prompt\"", stored, StringComparison.Ordinal);

        await _harness.Flow(dialog).Send("E").AssertReply("Plan E").StartTestAsync();
    }

    private static TestComponent AskPlan(ChoicePrompt prompt) => new(
        "root",
        new WaterfallDialog("ask",
        [
            (step, ct) => step.PromptAsync("plan", Ask("Which plan?", "Please pick E or P.", Plans), ct),
            async (step, ct) =>
            {
                var found = (FoundChoice)step.Result!;
                await step.Context.SendActivityAsync($"Plan {found.Value}", ct);
                return await step.EndDialogAsync(found, ct);
            },
        ]),
        prompt);

    private static Activity RenderCard(PromptOptions options) => new()
    {
        Type = ActivityTypes.Message,
        Text = options.Prompt?.Text,
        Attachments =
        [
            new Attachment
            {
                ContentType = "application/vnd.microsoft.card.adaptive",
                Content = new
                {
                    type = "AdaptiveCard",
                    version = "1.5",
                    body = new[] { new { type = "TextBlock", text = options.Prompt?.Text, wrap = true } },
                    actions = options.Choices!.Select(c => new { type = "Action.Submit", title = c.Value, data = new { choice = c.Value } }).ToArray(),
                },
            },
        ],
    };
}
