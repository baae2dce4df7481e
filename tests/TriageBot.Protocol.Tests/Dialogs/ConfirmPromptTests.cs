using TriageBot.Protocol.Dialogs;
using static TriageBot.Protocol.Tests.Dialogs.DialogHarness;

namespace TriageBot.Protocol.Tests.Dialogs;

public class ConfirmPromptTests
{
    private const string Question = "Do you use AD FS?\n\n1. Yes\n2. No";

    [Theory]
    [InlineData("yes", true)]
    [InlineData("Y", true)]
    [InlineData("yep", true)]
    [InlineData("1", true)]
    [InlineData("yes, we do", true)]
    [InlineData("no", false)]
    [InlineData("Nope!", false)]
    [InlineData("2", false)]
    public async Task ConfirmPrompt_English_RecognisesYesAndNo(string answer, bool expected)
    {
        await new DialogHarness().Flow(AskAdfs(new ConfirmPrompt("confirm")))
            .Send("hi").AssertReply(Question)
            .Send(answer).AssertReply($"AD FS: {expected}")
            .StartTestAsync();
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes and no")]
    public async Task ConfirmPrompt_Invalid_SendsRetryPrompt(string answer)
    {
        await new DialogHarness().Flow(AskAdfs(new ConfirmPrompt("confirm")))
            .Send("hi").AssertReply(Question)
            .Send(answer).AssertReply("Please answer yes or no.\n\n1. Yes\n2. No")
            .Send("no").AssertReply("AD FS: False")
            .StartTestAsync();
    }

    [Fact]
    public async Task ConfirmPrompt_CardSubmitValue_RecognisesAnswer()
    {
        await new DialogHarness().Flow(AskAdfs(new ConfirmPrompt("confirm")))
            .Send("hi").AssertReply(Question)
            .SendSubmit(new { questionId = "adfs", choice = "No" }).AssertReply("AD FS: False")
            .StartTestAsync();
    }

    [Fact]
    public async Task ConfirmPrompt_LocaleSynonyms_ShowsAndAcceptsThatLanguage()
    {
        var prompt = new ConfirmPrompt("confirm");
        prompt.ChoiceDefaults["de"] = (new Choice("Ja", "ja", "j", "jawohl"), new Choice("Nein", "nein", "n", "nö"));

        await new DialogHarness(locale: "de-DE").Flow(AskAdfs(prompt))
            .Send("hallo").AssertReply("Do you use AD FS?\n\n1. Ja\n2. Nein")
            .Send("nö").AssertReply("AD FS: False")
            .Send("hallo").AssertReply("Do you use AD FS?\n\n1. Ja\n2. Nein")
            .Send("yes").AssertReply("AD FS: True")
            .StartTestAsync();
    }

    [Fact]
    public async Task ConfirmPrompt_UnknownLocale_FallsBackToDefaultLocale()
    {
        var prompt = new ConfirmPrompt("confirm", defaultLocale: "de");
        prompt.ChoiceDefaults["de"] = (new Choice("Ja", "ja"), new Choice("Nein", "nein"));

        await new DialogHarness(locale: "fr-FR").Flow(AskAdfs(prompt))
            .Send("salut").AssertReply("Do you use AD FS?\n\n1. Ja\n2. Nein")
            .Send("ja").AssertReply("AD FS: True")
            .StartTestAsync();
    }

    private static TestComponent AskAdfs(ConfirmPrompt prompt) => new(
        "root",
        new WaterfallDialog("ask",
        [
            (step, ct) => step.PromptAsync("confirm", Ask("Do you use AD FS?", "Please answer yes or no."), ct),
            async (step, ct) =>
            {
                await step.Context.SendActivityAsync($"AD FS: {step.Result}", ct);
                return await step.EndDialogAsync(step.Result, ct);
            },
        ]),
        prompt);
}
