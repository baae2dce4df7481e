using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>Renders the card posted to the helpdesk channel for a ticket.</summary>
public interface ITicketCardRenderer
{
    Attachment Render(Ticket ticket);
}
