using TriageBot.Dialogs;
using TriageBot.Protocol.Dialogs;

namespace TriageBot.Tests.Dialogs;

/// <summary>Typed answers to the questions of dialogs/questions.yaml, in the languages the bot speaks.</summary>
public sealed class AnswerRecognitionTests
{
    [Theory]
    [InlineData("plan", "E", "yes")]
    [InlineData("plan", "enterprise", "yes")]
    [InlineData("plan", "we're on P", "no")]
    [InlineData("plan", "企业版", "yes")]
    [InlineData("plan", "Plan P (Professional / small business)", "no")]
    [InlineData("adfs", "yes", "yes")]
    [InlineData("adfs", "Nope.", "no")]
    [InlineData("adfs", "不是", "no")]
    [InlineData("adfs", "ja", "yes")]
    [InlineData("adfs", "沒有", "no")]
    [InlineData("cache-cleared", "not yet", "no")]
    [InlineData("scope", "basically everyone", "all")]
    [InlineData("scope", "just me", "one")]
    public void Recognize_TypedReply_GivesTheAnswer(string question, string reply, string expected) =>
        Assert.Equal(expected, ChoiceRecognizer.Recognize(reply, TriageDialog.ChoicesFor(TriageBotFactory.Flows.Questions[question]))?.Value);

    [Theory]
    [InlineData("plan", "banana")]
    [InlineData("adfs", "")]
    [InlineData("adfs", "yes and no")]
    public void Recognize_UnclearReply_IsNoAnswer(string question, string reply) =>
        Assert.Null(ChoiceRecognizer.Recognize(reply, TriageDialog.ChoicesFor(TriageBotFactory.Flows.Questions[question])));
}
