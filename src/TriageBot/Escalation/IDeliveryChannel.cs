namespace TriageBot.Escalation;

/// <summary>
/// Delivers a ticket somewhere (the helpdesk channel, a webhook). Called by <see cref="OutboxDispatcher"/>
/// until it returns without throwing; it may be called again for a ticket it already delivered (a crash
/// before the delivery was recorded), so receivers deduplicate by ticket id.
/// </summary>
public interface IDeliveryChannel
{
    /// <summary>Stable name, stored in the outbox items.</summary>
    string Name { get; }

    /// <summary>Delivers the ticket as stored; throws on failure (the outbox retries later).</summary>
    Task DeliverAsync(Ticket ticket, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers what <paramref name="item"/> is about: the ticket as stored, or for a delivery caused by a change,
    /// the event <see cref="OutboxItem.EventIndex"/> of its history. By default the whole ticket, as stored.
    /// </summary>
    Task DeliverAsync(Ticket ticket, OutboxItem item, CancellationToken cancellationToken) => DeliverAsync(ticket, cancellationToken);
}
