using System.Globalization;
using System.Text.Json;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>
/// Tickets in <see cref="IStorage"/>, with optimistic concurrency throughout, so several instances can
/// share one store. A ticket, its idempotency key, its number, the open-tickets index and its outbox
/// deliveries are written in one atomic write: either all exist or none.
/// </summary>
public sealed class TicketStore(IStorage storage, Outbox outbox, TimeProvider timeProvider)
{
    public const string IdPrefix = "TB-";
    public const int FirstNumber = 1001;

    /// <summary>
    /// Creates the ticket for <paramref name="idempotencyKey"/> once: a double click, a retried request or
    /// another instance creating with the same key gets the ticket that was created first. Free text is
    /// redacted (<see cref="Redactor"/>) before it is stored.
    /// </summary>
    public Task<Ticket> CreateAsync(TicketRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var requestKey = StoredItems.Request(idempotencyKey);
        return StoredItems.RetryOnConflictAsync(async () =>
        {
            var read = await storage.ReadAsync([requestKey, StoredItems.Counter, StoredItems.OpenTickets, StoredItems.PendingDeliveries], cancellationToken).ConfigureAwait(false);
            if (StoredItems.Get<TicketRequestIndex>(read, requestKey) is { } existing)
            {
                // Written in the same write as the ticket, so the ticket exists.
                return await GetAsync(existing.TicketId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Ticket {existing.TicketId} of idempotency key '{idempotencyKey}' is missing.");
            }

            var counter = StoredItems.GetOrNew<TicketCounter>(read, StoredItems.Counter);
            var open = StoredItems.GetOrNew<IdList>(read, StoredItems.OpenTickets);
            var pending = StoredItems.GetOrNew<IdList>(read, StoredItems.PendingDeliveries);
            var now = timeProvider.GetUtcNow();
            var ticket = new Ticket
            {
                Id = IdPrefix + counter.Next.ToString(CultureInfo.InvariantCulture),
                Status = TicketStatus.Open,
                CreatedAt = now,
                UpdatedAt = now,
                Request = Copy(request),
                History = [new TicketEvent(TicketEventKind.Created, request.Requester.AsPerson(), now)],
                ETag = StoredItems.IfAbsent,
            };
            Redact(ticket);
            counter.Next++;
            open.Ids.Insert(0, ticket.Id);

            var changes = new Dictionary<string, object>
            {
                [requestKey] = new TicketRequestIndex { TicketId = ticket.Id, ETag = StoredItems.IfAbsent },
                [StoredItems.Counter] = counter,
                [StoredItems.Ticket(ticket.Id)] = ticket,
                [StoredItems.OpenTickets] = open,
            };
            outbox.AddDeliveries(changes, pending, ticket.Id, now);
            await storage.WriteAsync(changes, cancellationToken).ConfigureAwait(false);
            return ticket;
        });
    }

    /// <summary>The time on the store's clock, for the events of a change.</summary>
    public DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>The ticket, or null when there is none with that id.</summary>
    public async Task<Ticket?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var key = StoredItems.Ticket(id);
        return StoredItems.Get<Ticket>(await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false), key);
    }

    /// <summary>
    /// Applies <paramref name="mutate"/> to the stored ticket and saves it; on a conflicting write the
    /// ticket is read again and <paramref name="mutate"/> runs again, so it must only change the ticket.
    /// The events it adds to the history are delivered through the outbox, in the same write (the user
    /// hears of an assignment, a question, the resolution; the helpdesk thread of the user's answers; the
    /// channel card and the webhook get the changed ticket). When <paramref name="mutate"/> changes nothing,
    /// nothing is written. Returns the saved ticket, or null when there is none with that id.
    /// </summary>
    public Task<Ticket?> UpdateAsync(string id, Action<Ticket> mutate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(mutate);
        var key = StoredItems.Ticket(id);
        return StoredItems.RetryOnConflictAsync(async () =>
        {
            var read = await storage.ReadAsync([key, StoredItems.OpenTickets, StoredItems.PendingDeliveries], cancellationToken).ConfigureAwait(false);
            if (StoredItems.Get<Ticket>(read, key) is not { } ticket)
            {
                return null;
            }

            var conversationId = ticket.Request.Requester.Conversation?.Conversation?.Id;
            var awaitingKey = string.IsNullOrEmpty(conversationId) ? null : StoredItems.Awaiting(conversationId);
            var awaiting = awaitingKey is null ? null : StoredItems.Get<AwaitingAnswer>(await storage.ReadAsync([awaitingKey], cancellationToken).ConfigureAwait(false), awaitingKey);

            var wasOpen = ticket.IsOpen;
            var firstNewEvent = ticket.History.Count;
            var before = JsonSerializer.Serialize(ticket, ProtocolJson.Options);
            mutate(ticket);
            if (JsonSerializer.Serialize(ticket, ProtocolJson.Options) == before)
            {
                // Nothing changed (assigned again to the same agent, an action on a resolved ticket): nothing is written.
                return ticket;
            }

            var now = timeProvider.GetUtcNow();
            ticket.UpdatedAt = now;
            Redact(ticket);
            var changes = new Dictionary<string, object> { [key] = ticket };
            if (wasOpen != ticket.IsOpen)
            {
                var open = StoredItems.GetOrNew<IdList>(read, StoredItems.OpenTickets);
                open.Ids.Remove(id);
                if (ticket.IsOpen)
                {
                    open.Ids.Insert(0, id);
                }

                changes[StoredItems.OpenTickets] = open;
            }

            if (ticket.History.Count > firstNewEvent)
            {
                outbox.AddChangeDeliveries(changes, StoredItems.GetOrNew<IdList>(read, StoredItems.PendingDeliveries), ticket, firstNewEvent, now);
                // A question waits for the user's typed answer in their chat until they answer or the ticket is
                // resolved; another ticket's question in the same chat is left alone. Only a change that asks
                // sets the marker: other changes of a ticket with an older open question must not take it
                // from the question the user was asked last.
                if (awaitingKey is not null)
                {
                    var waits = ticket.IsOpen && ticket.PendingQuestion is not null;
                    if (waits && ticket.History.Skip(firstNewEvent).Any(e => e.Kind == TicketEventKind.AskedUser))
                    {
                        changes[awaitingKey] = new AwaitingAnswer { TicketId = ticket.Id };
                    }
                    else if (!waits && awaiting?.TicketId == ticket.Id)
                    {
                        changes[awaitingKey] = new AwaitingAnswer { TicketId = "" };
                    }
                }
            }

            await storage.WriteAsync(changes, cancellationToken).ConfigureAwait(false);
            return (Ticket?)ticket;
        });
    }

    /// <summary>
    /// The open ticket whose helpdesk question waits for an answer in conversation <paramref name="conversationId"/>,
    /// or null when none does.
    /// </summary>
    public async Task<Ticket?> FindAwaitingAnswerAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        var key = StoredItems.Awaiting(conversationId);
        if (StoredItems.Get<AwaitingAnswer>(await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false), key) is not { TicketId.Length: > 0 } awaiting)
        {
            return null;
        }

        return await GetAsync(awaiting.TicketId, cancellationToken).ConfigureAwait(false) is { IsOpen: true, PendingQuestion: not null } ticket ? ticket : null;
    }

    /// <summary>The tickets not resolved yet, newest first.</summary>
    public async Task<IReadOnlyList<Ticket>> ListOpenAsync(CancellationToken cancellationToken = default)
    {
        var index = StoredItems.Get<IdList>(await storage.ReadAsync([StoredItems.OpenTickets], cancellationToken).ConfigureAwait(false), StoredItems.OpenTickets);
        if (index is null || index.Ids.Count == 0)
        {
            return [];
        }

        var keys = index.Ids.Select(StoredItems.Ticket).ToArray();
        var items = await storage.ReadAsync(keys, cancellationToken).ConfigureAwait(false);
        return keys.Select(key => StoredItems.Get<Ticket>(items, key))
            .OfType<Ticket>()
            .OrderByDescending(t => t.CreatedAt)
            .ThenByDescending(Number)
            .ToList();
    }

    // The caller's request is not changed (nor shared with the stored ticket).
    private static TicketRequest Copy(TicketRequest request) =>
        JsonSerializer.SerializeToElement(request, ProtocolJson.Options).Deserialize<TicketRequest>(ProtocolJson.Options)!;

    private static int Number(Ticket ticket) =>
        int.TryParse(ticket.Id.AsSpan(IdPrefix.Length), CultureInfo.InvariantCulture, out var number) ? number : 0;

    private static void Redact(Ticket ticket)
    {
        var request = ticket.Request;
        request.Pasted = Redactor.Redact(request.Pasted);
        request.Summary = Redactor.Redact(request.Summary);
        request.Answers = request.Answers.Select(a => a with { Answer = Redactor.Redact(a.Answer) }).ToList();
        var form = request.Form;
        form.SignInAddress = Redactor.Redact(form.SignInAddress);
        form.ClientApp = Redactor.Redact(form.ClientApp);
        form.ClientVersion = Redactor.Redact(form.ClientVersion);
        form.OperatingSystem = Redactor.Redact(form.OperatingSystem);
        form.Started = Redactor.Redact(form.Started);
        form.Scope = Redactor.Redact(form.Scope);
        form.AnythingElse = Redactor.Redact(form.AnythingElse);
        ticket.History = ticket.History.Select(e => e with { Text = Redactor.Redact(e.Text) }).ToList();
    }
}
