using System.Text.Json.Nodes;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>Renders the card posted to the helpdesk channel for a ticket.</summary>
public interface ITicketCardRenderer
{
    Attachment Render(Ticket ticket);
}

/// <summary>
/// A plain Adaptive Card (1.5) with the ticket's facts, used until the helpdesk card with agent actions
/// replaces it (register another <see cref="ITicketCardRenderer"/>).
/// </summary>
internal sealed class FactsTicketCardRenderer : ITicketCardRenderer
{
    public Attachment Render(Ticket ticket)
    {
        var request = ticket.Request;
        var form = request.Form;
        (string Title, string? Value)[] facts =
        [
            ("Status", ticket.Status.ToString()),
            ("User", request.Requester.Name ?? request.Requester.Id),
            ("Sign-in address", form.SignInAddress),
            ("Error", request.Message ?? "no match"),
            ("Client", string.Join(" ", new[] { form.ClientApp, form.ClientVersion }.Where(s => !string.IsNullOrWhiteSpace(s)))),
            ("Operating system", form.OperatingSystem),
            ("Started", form.Started),
            ("Affected", form.Scope),
            ("Logs available", form.LogsAvailable switch { true => "yes", false => "no", null => null }),
            ("Language", request.Language),
        ];
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = $"{ticket.Id}: {request.Message ?? "no documented match"}", ["size"] = "Medium", ["weight"] = "Bolder", ["wrap"] = true },
            new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray(facts.Where(f => !string.IsNullOrWhiteSpace(f.Value))
                    .Select(f => (JsonNode)new JsonObject { ["title"] = f.Title, ["value"] = f.Value }).ToArray()),
            },
        };
        foreach (var text in new[] { request.Summary, form.AnythingElse }.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true });
        }

        return new Attachment
        {
            ContentType = "application/vnd.microsoft.card.adaptive",
            Content = new JsonObject
            {
                ["type"] = "AdaptiveCard",
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["version"] = "1.5",
                ["body"] = body,
            },
        };
    }
}
