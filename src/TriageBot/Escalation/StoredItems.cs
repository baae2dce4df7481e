using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>Storage keys of the escalation hand-off, and the small helpers its writers share.</summary>
internal static class StoredItems
{
    public const string Counter = "escalation/ticket-counter";
    public const string OpenTickets = "escalation/open-tickets";
    public const string PendingDeliveries = "escalation/pending-deliveries";
    public const string DispatcherLease = "escalation/dispatcher-lease";

    /// <summary>
    /// An ETag no stored item ever has (storages issue GUIDs). IStorage creates a missing item whatever
    /// its ETag, but refuses to overwrite an existing one whose ETag differs: written with this ETag,
    /// an item is created only if its key is absent, and a concurrent creator gets a conflict.
    /// </summary>
    public const string IfAbsent = "if-absent";

    // Every conflict means another writer succeeded, so retries are bounded by the number of
    // concurrent writers; the limit only stops a storage that always refuses.
    private const int MaxAttempts = 100;

    public static string Ticket(string id) => $"escalation/tickets/{id}";

    public static string Request(string idempotencyKey) => $"escalation/requests/{idempotencyKey}";

    public static string Delivery(string id) => $"escalation/deliveries/{id}";

    /// <summary>The question the helpdesk asked in a user's conversation that waits for a typed answer.</summary>
    public static string Awaiting(string conversationId) => $"escalation/awaiting/{conversationId}";

    /// <summary>Reads one item of <paramref name="items"/> as <typeparamref name="T"/>; null when absent.</summary>
    public static T? Get<T>(IDictionary<string, object> items, string key)
        where T : class =>
        items.TryGetValue(key, out var value)
            ? value as T ?? JsonSerializer.SerializeToElement(value, ProtocolJson.Options).Deserialize<T>(ProtocolJson.Options)
            : null;

    /// <summary>Reads one item, or a new one that will only be written if the key is still absent.</summary>
    public static T GetOrNew<T>(IDictionary<string, object> items, string key)
        where T : class, IStoreItem, new() =>
        Get<T>(items, key) ?? new T { ETag = IfAbsent };

    /// <summary>Runs read-modify-write <paramref name="attempt"/> again while the write meets an ETag conflict.</summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> attempt)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (StorageConcurrencyException) when (i < MaxAttempts)
            {
            }
        }
    }

    /// <summary>The JSON of a stored item without its ETag, as sent to others.</summary>
    public static JsonObject WithoutETag(object item)
    {
        var json = JsonSerializer.SerializeToNode(item, item.GetType(), ProtocolJson.Options)!.AsObject();
        json.Remove(StorageExtensions.ETagProperty);
        return json;
    }
}

/// <summary>A list of ids kept in one storage item (the open tickets, the pending deliveries).</summary>
internal sealed class IdList : IStoreItem
{
    public List<string> Ids { get; set; } = [];

    public string? ETag { get; set; }
}

/// <summary>The next ticket number.</summary>
internal sealed class TicketCounter : IStoreItem
{
    public int Next { get; set; } = TicketStore.FirstNumber;

    public string? ETag { get; set; }
}

/// <summary>Which ticket an idempotency key created.</summary>
internal sealed class TicketRequestIndex : IStoreItem
{
    public string TicketId { get; set; } = "";

    public string? ETag { get; set; }
}

/// <summary>Which dispatcher instance may deliver, until when.</summary>
internal sealed class DispatcherLease : IStoreItem
{
    public string Owner { get; set; } = "";

    // Not "expiresAt": that name makes the storage purge the item.
    public DateTimeOffset Until { get; set; }

    public string? ETag { get; set; }
}

/// <summary>A helpdesk question waiting for the user's answer in their conversation; empty when none.</summary>
internal sealed class AwaitingAnswer : IStoreItem
{
    public string TicketId { get; set; } = "";

    /// <summary>Written unconditionally: the latest question asked in the conversation is the one answered.</summary>
    public string? ETag { get; set; } = "*";
}
