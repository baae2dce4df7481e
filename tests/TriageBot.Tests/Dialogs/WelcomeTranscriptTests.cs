using TriageBot.Escalation;
using TriageBot.Protocol.Schema;
using static TriageBot.Tests.Dialogs.TriageBotFactory;

namespace TriageBot.Tests.Dialogs;

/// <summary>What the bot says when it is installed: users hear how to get a fix, the helpdesk channel how to work tickets.</summary>
public sealed class WelcomeTranscriptTests
{
    private static Activity Installed(TestAdapter adapter, string conversationId)
    {
        var activity = adapter.MakeActivity();
        activity.Type = ActivityTypes.ConversationUpdate;
        activity.Text = null;
        activity.Conversation = new ConversationAccount(conversationId) { ConversationType = "channel", IsGroup = true };
        activity.MembersAdded = [new ChannelAccount("28:bot", "TriageBot")];
        return activity;
    }

    [Fact]
    public async Task InstalledInTheHelpdeskChannel_WelcomesTheAgentsWithTheirCommands()
    {
        var (flow, adapter, _) = Create("en-US", storage: null, connector: null, options: new EscalationOptions { HelpdeskChannelId = "19:helpdesk@thread.tacv2" });

        await flow.Send(Installed(adapter, "19:helpdesk@thread.tacv2"))
            .AssertReply(a => Assert.Equal(Texts.Get("helpdesk-welcome", "en-us"), a.Text))
            .StartTestAsync();
        Assert.Contains("**tickets**", Texts.Get("helpdesk-welcome", "en-us"));
    }

    [Theory]
    [InlineData("19:other-team@thread.tacv2", "19:helpdesk@thread.tacv2")]
    [InlineData("19:helpdesk@thread.tacv2", null)]
    public async Task InstalledElsewhere_OrNoHelpdeskChannelConfigured_WelcomesUsers(string conversationId, string? helpdeskChannel)
    {
        var (flow, adapter, _) = Create("en-US", storage: null, connector: null, options: new EscalationOptions { HelpdeskChannelId = helpdeskChannel });

        await flow.Send(Installed(adapter, conversationId))
            .AssertReply(a => Assert.Equal(Texts.Get("welcome", "en-us"), a.Text))
            .StartTestAsync();
    }
}
