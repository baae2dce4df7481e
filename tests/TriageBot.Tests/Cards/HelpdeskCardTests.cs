using System.Text.Json;
using Microsoft.Extensions.Options;
using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Tests.Copilot;
using TriageBot.Tests.Escalation;

namespace TriageBot.Tests.Cards;

/// <summary>What the ticket card tells the agent who reads it (its validity and size are in CardValidationTests).</summary>
public sealed class HelpdeskCardTests
{
    private static readonly HelpdeskCards Cards = new(BotTexts.Load(TriageBot.Testing.RepositoryPaths.Dialogs), Options.Create(new EscalationOptions()));

    private static List<string> Texts(Ticket ticket) =>
        CopilotTestSupport.Texts(JsonSerializer.SerializeToElement(Cards.Render(ticket).Content));

    private static Ticket NewTicket(TicketRequest request)
    {
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        return new Ticket { Id = "TB-1001", Status = TicketStatus.Open, CreatedAt = at, UpdatedAt = at, Request = request, History = [new TicketEvent(TicketEventKind.Created, request.Requester.AsPerson(), at)] };
    }

    [Fact]
    public void Render_MatchedError_TitleNamesTheDocumentedMessage()
    {
        Assert.Contains("TB-1001: Sign-in address not found", Texts(NewTicket(Requests.Sample())));
    }

    [Theory]
    [InlineData("my printer is on fire", "TB-1001: No documented error matched")]
    [InlineData("", "TB-1001: No error pasted")]
    [InlineData("  ", "TB-1001: No error pasted")]
    public void Render_NoDocumentedError_TitleSaysWhetherSomethingWasPasted(string pasted, string title)
    {
        var request = Requests.Sample(pasted: pasted);
        request.SymptomId = null;
        request.Message = null;

        var texts = Texts(NewTicket(request));

        Assert.Contains(title, texts);
        Assert.Contains($"Documented error: {title["TB-1001: ".Length..]}", texts);
    }

    [Fact]
    public void Render_FormFields_AreLabelledForTheAgentNotWithTheUsersPrompts()
    {
        var request = Requests.Sample();
        request.Form.AnythingElse = "It worked yesterday.";

        var texts = Texts(NewTicket(request));

        Assert.Contains("Sign-in address: alex@contoso.com", texts);
        Assert.Contains("Client app: Skype for Business", texts);
        Assert.Contains("Since: this morning", texts);
        Assert.Contains("Affected: one user", texts);
        Assert.Contains("Logs available: yes", texts);
        Assert.Contains("The user adds", texts);
        Assert.DoesNotContain(texts, t => t.StartsWith("Your sign-in address", StringComparison.Ordinal) || t.Contains("(e.g.", StringComparison.Ordinal));
    }
}
