using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.EndToEnd.Harness;
using static TriageBot.EndToEnd.Harness.AdaptiveCards;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>
/// The hand-over to the helpdesk, end to end in the Agents Playground with the real bot process: a user asks for a
/// human and fills the form in the personal chat; the ticket card appears in the team's General channel (the
/// configured helpdesk channel, posted by the outbox through the Playground's connector); an agent (another member
/// of the team) presses the card's Action.Execute buttons; the card updates in place, and the user's chat gets a
/// message at each step, including the agent's question, whose typed answer lands in the ticket's thread.
/// </summary>
public sealed class EscalationPlaygroundTests(ITestOutputHelper output) : PlaygroundTestBase(output)
{
    // The Playground's team: its General channel has the team's id (PLAYGROUND.md); the bot is told before it starts.
    private const string HelpdeskChannel = "team-id";
    private const string Agent = "user-id-1";

    public override Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the bot (helpdesk = the Playground team's General channel, a fast outbox) and the Playground.</summary>
    private Task StartAsync(Dictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Escalation__HelpdeskChannelId"] = HelpdeskChannel,
            ["Escalation__DispatchInterval"] = "00:00:00.200",
            ["Escalation__LeaseDuration"] = "00:00:10",
            ["Escalation__RetryBaseDelay"] = "00:00:00.500",
            ["Escalation__RetryMaxDelay"] = "00:00:02",
        };
        foreach (var (key, value) in settings ?? [])
        {
            environment[key] = value;
        }

        return StartTriageBotAsync(environment);
    }

    [Fact]
    public async Task UserAsksForHuman_TicketCardInHelpdeskChannel_AgentAssignsAsksResolves_UserHearsEachStep()
    {
        await StartAsync();
        Assert.Equal(HelpdeskChannel, Playground.Config.Teams[0].Channels[0].Id);
        Assert.Contains(Agent, Playground.Config.Teams[0].Members);
        await Playground.InstallInTeamAsync(HelpdeskChannel);
        var chat = await Playground.InstallPersonalAsync();

        // The user: "talk to a human", then the hand-over form.
        var ask = await Playground.SendUserMessageAsync(chat, "talk to a human");
        var form = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == ask.ActivityId && a.AdaptiveCard() is not null);
        var send = form.SubmitActions().Single();
        var values = JsonNode.Parse(send.Data.GetRawText())!.AsObject();
        values["signInAddress"] = "alex.wilber@contoso.com";
        values["clientApp"] = "Skype for Business 2016";
        values["operatingSystem"] = "Windows 11";
        values["started"] = "this morning";
        values["anythingElse"] = "It keeps saying it can't sign in.";
        var submitted = await Playground.SubmitCardAsync(chat, form.Id!, values);
        var created = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == submitted.ActivityId && a.Type == "message");
        var ticketId = System.Text.RegularExpressions.Regex.Match(created.Text ?? "", @"TB-\d+").Value;
        Assert.False(string.IsNullOrEmpty(ticketId), $"No ticket number in: {created.Text}");

        // The outbox posts the ticket card as a new thread of the helpdesk channel.
        var card = await Playground.WaitForBotActivityAsync(a =>
            a.ConversationId?.StartsWith(HelpdeskChannel + ";messageid=", StringComparison.Ordinal) == true && a.CardText().Contains(ticketId));
        Assert.Equal(201, card.StatusCode);
        // The facts the user gave, as a FactSet.
        var facts = card.AdaptiveCard()!.Value.GetRawText();
        Assert.Contains("alex.wilber@contoso.com", facts);
        Assert.Contains("Skype for Business 2016", facts);
        Assert.Contains("It keeps saying it can't sign in.", card.CardText());
        Assert.Contains("Open", card.CardText());
        var thread = card.ConversationId!;
        Assert.Equal(["ticket.assign", "ticket.resolve", "ticket.ask"], ExecuteVerbs(card.AdaptiveCard()!.Value));

        // The agent presses "Assign to me": the card comes back assigned, the user is told.
        var assign = await ExecuteAsync(thread, card.Id!, "ticket.assign", ticketId);
        Assert.Contains("Assigned to", CardText(assign));
        var assigned = await Playground.WaitForBotActivityAsync(a => a.ConversationId == chat && (a.Text ?? "").Contains(ticketId) && (a.Text ?? "").Contains("is now working on"));
        Assert.Equal(201, assigned.StatusCode);
        // ...and the channel's card is updated in place for everyone (PUT on the same activity; the body names no conversation).
        var updated = await Playground.WaitForBotActivityAsync(a => a.Id == card.Id && a.Sequence > card.Sequence && a.CardText().Contains("Assigned to"));
        Assert.Equal(200, updated.StatusCode);

        // The agent asks the user a question; the user's chat gets it as a card; the user types the answer.
        const string question = "Which Office 365 plan does your company have, E or P?";
        var asked = await ExecuteAsync(thread, card.Id!, "ticket.ask", ticketId, ("question", question));
        Assert.Contains(question, CardText(asked));
        var questionCard = await Playground.WaitForBotActivityAsync(a => a.ConversationId == chat && a.CardText().Contains(question));
        Assert.Contains(ticketId, questionCard.CardText());
        var answer = await Playground.SendUserMessageAsync(chat, "We have plan E, I think");
        var thanks = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == answer.ActivityId && a.Type == "message");
        Assert.Contains(ticketId, thanks.Text);
        var relayed = await Playground.WaitForBotActivityAsync(a => a.ConversationId == thread && (a.Text ?? "").Contains("We have plan E, I think"));
        Assert.Equal(201, relayed.StatusCode);

        // The agent resolves it with a note: the card shows it resolved, with no buttons left; the user is told.
        var resolved = await ExecuteAsync(thread, card.Id!, "ticket.resolve", ticketId, ("note", "Re-entered the AutoDiscover DNS record."));
        Assert.Contains("Resolved by", CardText(resolved));
        Assert.Empty(ExecuteVerbs(resolved));
        var told = await Playground.WaitForBotActivityAsync(a => a.ConversationId == chat && (a.Text ?? "").Contains("was resolved by"));
        Assert.Contains("Re-entered the AutoDiscover DNS record.", told.Text);
    }

    [Fact]
    public async Task OnlyConfiguredAgents_ATeamMemberWhoIsNotOne_PressesResolve_GetsErrorCardAndNothingChanges()
    {
        // Agents are only the configured Entra ids: Megan (user-id-1) is one, Lee (user-id-2, also in the team) is not.
        var users = await PlaygroundUsersAsync();
        await StartAsync(new()
        {
            ["Escalation__TeamMembersAreAgents"] = "false",
            ["Escalation__AgentAadObjectIds__0"] = users[Agent],
        });
        const string outsider = "user-id-2";
        Assert.Contains(outsider, Playground.Config.Teams[0].Members);
        await Playground.InstallInTeamAsync(HelpdeskChannel);
        var chat = await Playground.InstallPersonalAsync();
        var ask = await Playground.SendUserMessageAsync(chat, "talk to a human");
        var form = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == ask.ActivityId && a.AdaptiveCard() is not null);
        var values = JsonNode.Parse(form.SubmitActions().Single().Data.GetRawText())!.AsObject();
        values["signInAddress"] = "alex.wilber@contoso.com";
        await Playground.SubmitCardAsync(chat, form.Id!, values);
        var card = await Playground.WaitForBotActivityAsync(a => a.ConversationId?.StartsWith(HelpdeskChannel + ";messageid=", StringComparison.Ordinal) == true && a.AdaptiveCard() is not null);
        var ticketId = System.Text.RegularExpressions.Regex.Match(card.CardText(), @"TB-\d+").Value;

        var refused = await ExecuteAsync(card.ConversationId!, card.Id!, "ticket.resolve", ticketId, ("note", "closing it"), outsider);

        Assert.Contains("Only helpdesk agents can act on tickets", CardText(refused));
        Assert.DoesNotContain(ticketId, refused.GetRawText());
        Assert.Empty(ExecuteVerbs(refused));

        // Nothing changed: the configured agent still finds it open and takes it; the user hears only of that.
        var taken = await ExecuteAsync(card.ConversationId!, card.Id!, "ticket.assign", ticketId);
        Assert.Contains("Assigned to", CardText(taken));
        Assert.DoesNotContain("resolved it", CardText(taken));
        await Playground.WaitForBotActivityAsync(a => a.ConversationId == chat && (a.Text ?? "").Contains("is now working on"));
        Assert.DoesNotContain(Playground.BotActivities, a => a.ConversationId == chat && (a.Text ?? "").Contains("was resolved by"));
    }

    /// <summary>The Playground's users (id → Entra object id), from a Playground started only to read its config.</summary>
    private static async Task<Dictionary<string, string>> PlaygroundUsersAsync()
    {
        await using var probe = await PlaygroundHarness.StartAsync("http://127.0.0.1:9/api/messages");
        return probe.Config.Users.Append(probe.Config.CurrentUser).DistinctBy(u => u.Id).ToDictionary(u => u.Id, u => u.AadObjectId ?? "");
    }

    private async Task<JsonElement> ExecuteAsync(string conversationId, string cardId, string verb, string ticketId, (string Name, string Value)? input = null, string from = Agent)
    {
        var data = new JsonObject { ["ticketId"] = ticketId };
        if (input is { } i)
        {
            data[i.Name] = i.Value;
        }

        var value = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data },
            ["trigger"] = "manual",
        };
        var result = await Playground.InvokeAsync("adaptiveCard/action", value, conversationId, cardId, from);
        Output.WriteLine($"[test] {verb} by {from}: {result.StatusCode} {result.BotBody?.GetRawText()[..Math.Min(300, result.BotBody?.GetRawText().Length ?? 0)]}");
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(200, result.BotStatusCode);
        var body = result.BotBody ?? throw new Xunit.Sdk.XunitException("The invoke has no body.");
        Assert.Equal(200, body.GetProperty("statusCode").GetInt32());
        Assert.Equal(AdaptiveCards.ContentType, body.Str("type"));
        return body.GetProperty("value");
    }
}
