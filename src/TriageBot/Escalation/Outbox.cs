using TriageBot.Protocol.Builder;

namespace TriageBot.Escalation;

/// <summary>One delivery of a ticket to one channel, kept in storage until it succeeded.</summary>
public sealed class OutboxItem : IStoreItem
{
    /// <summary><c>{ticketId}/{channel}</c>.</summary>
    public string Id { get; set; } = "";

    public string TicketId { get; set; } = "";

    /// <summary>The <see cref="IDeliveryChannel.Name"/> that delivers it.</summary>
    public string Channel { get; set; } = "";

    /// <summary>
    /// For a delivery caused by a change, the index in <see cref="Ticket.History"/> of the event it is about;
    /// null for the delivery of a new ticket.
    /// </summary>
    public int? EventIndex { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? ETag { get; set; }
}

/// <summary>
/// The deliveries waiting to go out. <see cref="TicketStore"/> adds them in the same storage write as
/// the ticket; <see cref="OutboxDispatcher"/> delivers them. An index item lists the pending ids, so
/// they are found again after a restart.
/// </summary>
/// <param name="storage">Where the items live.</param>
/// <param name="channels">The <see cref="IDeliveryChannel.Name"/>s each new ticket is delivered to.</param>
public sealed class Outbox(IStorage storage, IEnumerable<string> channels)
{
    /// <summary>Tells the user who asked for help about what the helpdesk did (assigned, asked, resolved).</summary>
    public const string RequesterChannel = "requester";

    /// <summary>Relays the user's answers to the ticket's thread in the helpdesk channel.</summary>
    public const string ThreadChannel = "thread";

    // The user and the ticket's thread hear of single events; the others (the channel card, the
    // webhook) get the whole ticket, on creation and after every change.
    private static readonly Dictionary<string, TicketEventKind[]> EventChannels = new(StringComparer.Ordinal)
    {
        [RequesterChannel] = [TicketEventKind.Assigned, TicketEventKind.AskedUser, TicketEventKind.Resolved],
        [ThreadChannel] = [TicketEventKind.UserAnswered],
    };

    private readonly string[] _channels = channels.ToArray();

    /// <summary>The channels deliveries go to.</summary>
    public IReadOnlyList<string> Channels => _channels;

    /// <summary>The pending (not yet delivered) items, oldest first.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        var index = StoredItems.Get<IdList>(await storage.ReadAsync([StoredItems.PendingDeliveries], cancellationToken).ConfigureAwait(false), StoredItems.PendingDeliveries);
        if (index is null || index.Ids.Count == 0)
        {
            return [];
        }

        var items = await storage.ReadAsync(index.Ids.Select(StoredItems.Delivery).ToArray(), cancellationToken).ConfigureAwait(false);
        return index.Ids
            .Select(id => StoredItems.Get<OutboxItem>(items, StoredItems.Delivery(id)))
            .OfType<OutboxItem>()
            .Where(item => item.DeliveredAt is null)
            .OrderBy(item => item.CreatedAt)
            .ToList();
    }

    /// <summary>Records a successful delivery and takes the item off the pending list, in one write.</summary>
    public Task MarkDeliveredAsync(OutboxItem item, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        StoredItems.RetryOnConflictAsync(async () =>
        {
            var key = StoredItems.Delivery(item.Id);
            var read = await storage.ReadAsync([key, StoredItems.PendingDeliveries], cancellationToken).ConfigureAwait(false);
            var current = StoredItems.Get<OutboxItem>(read, key) ?? throw new InvalidOperationException($"Outbox item {item.Id} is missing.");
            var index = StoredItems.GetOrNew<IdList>(read, StoredItems.PendingDeliveries);
            current.Attempts++;
            current.DeliveredAt = at;
            current.LastError = null;
            index.Ids.Remove(item.Id);
            await storage.WriteAsync(new Dictionary<string, object> { [key] = current, [StoredItems.PendingDeliveries] = index }, cancellationToken).ConfigureAwait(false);
            return current;
        });

    /// <summary>Records a failed attempt and when to try again. Returns false when the item changed meanwhile.</summary>
    public async Task<bool> MarkFailedAsync(OutboxItem item, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default)
    {
        item.Attempts++;
        item.LastError = error;
        item.NextAttemptAt = nextAttemptAt;
        try
        {
            await storage.WriteAsync(new Dictionary<string, object> { [StoredItems.Delivery(item.Id)] = item }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>Adds one item per ticket channel for a new ticket to <paramref name="changes"/>, and their ids to <paramref name="pending"/>.</summary>
    internal void AddDeliveries(IDictionary<string, object> changes, IdList pending, string ticketId, DateTimeOffset now)
    {
        foreach (var channel in _channels.Where(c => !EventChannels.ContainsKey(c)))
        {
            Add(changes, pending, new OutboxItem { Id = $"{ticketId}/{channel}", TicketId = ticketId, Channel = channel }, now);
        }
    }

    /// <summary>
    /// Adds the deliveries a change of <paramref name="ticket"/> causes (its history from <paramref name="firstNewEvent"/>
    /// on is new): the ticket channels once for the change, the event channels once per event they carry.
    /// </summary>
    internal void AddChangeDeliveries(IDictionary<string, object> changes, IdList pending, Ticket ticket, int firstNewEvent, DateTimeOffset now)
    {
        var last = ticket.History.Count - 1;
        foreach (var channel in _channels)
        {
            if (!EventChannels.TryGetValue(channel, out var kinds))
            {
                Add(changes, pending, new OutboxItem { Id = $"{ticket.Id}/{channel}/{last}", TicketId = ticket.Id, Channel = channel, EventIndex = last }, now);
                continue;
            }

            for (var i = firstNewEvent; i <= last; i++)
            {
                if (kinds.Contains(ticket.History[i].Kind))
                {
                    Add(changes, pending, new OutboxItem { Id = $"{ticket.Id}/{channel}/{i}", TicketId = ticket.Id, Channel = channel, EventIndex = i }, now);
                }
            }
        }
    }

    private static void Add(IDictionary<string, object> changes, IdList pending, OutboxItem item, DateTimeOffset now)
    {
        item.CreatedAt = now;
        item.NextAttemptAt = now;
        item.ETag = StoredItems.IfAbsent;
        changes[StoredItems.Delivery(item.Id)] = item;
        pending.Ids.Add(item.Id);
        changes[StoredItems.PendingDeliveries] = pending;
    }
}
