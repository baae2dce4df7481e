using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Escalation;

/// <summary>
/// Delivers the outbox: every <see cref="EscalationOptions.DispatchInterval"/>, when items are due, it
/// takes or renews the lease in storage (one dispatcher at a time across instances; a dead instance's
/// lease runs out and another takes over), then hands each due item to its <see cref="IDeliveryChannel"/>. A failure is
/// retried with exponential backoff and jitter; a delivery is cut off when the lease would run out, so
/// two instances never deliver at the same time. Pending items live in storage, so a restart resumes.
/// </summary>
internal sealed class OutboxDispatcher : BackgroundService
{
    private const int MaxErrorLength = 1000;

    private readonly IStorage _storage;
    private readonly Outbox _outbox;
    private readonly TicketStore _tickets;
    private readonly Dictionary<string, IDeliveryChannel> _channels;
    private readonly EscalationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _random;

    /// <param name="random">A value in [0, 1) for the jitter; <see cref="Random.Shared"/> when null.</param>
    public OutboxDispatcher(
        IStorage storage,
        Outbox outbox,
        TicketStore tickets,
        IEnumerable<IDeliveryChannel> channels,
        IOptions<EscalationOptions> options,
        TimeProvider timeProvider,
        ILogger<OutboxDispatcher> logger,
        Func<double>? random = null)
    {
        _storage = storage;
        _outbox = outbox;
        _tickets = tickets;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Identifies this instance in the lease.</summary>
    public string OwnerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>
    /// Delivers the items that are due, if this instance holds the lease or can take it. Returns how many
    /// were delivered (0 when another instance holds the lease).
    /// </summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default)
    {
        // An idle instance only reads: the lease is written when something is due.
        if ((await DueAsync(cancellationToken).ConfigureAwait(false)).Count == 0
            || await TryAcquireLeaseAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return 0;
        }

        var delivered = 0;

        // Read again under the lease: the previous holder may have delivered some meanwhile.
        foreach (var item in await DueAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await TryAcquireLeaseAsync(cancellationToken).ConfigureAwait(false) is not { } leaseUntil)
            {
                break;
            }

            if (await DeliverAsync(item, leaseUntil, cancellationToken).ConfigureAwait(false))
            {
                delivered++;
            }
        }

        return delivered;
    }

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1: base x 2^(n-1), capped, between half and all of it.</summary>
    public TimeSpan Backoff(int failedAttempts)
    {
        var ceiling = Math.Min(
            _options.RetryMaxDelay.TotalMilliseconds,
            _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, failedAttempts - 1)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * _random())));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Let another instance take over now rather than when the lease runs out.
            await ReleaseLeaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not release the outbox lease");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_channels.Count == 0)
        {
            _logger.LogInformation("No ticket delivery is configured (Escalation:HelpdeskChannelId, Escalation:WebhookUrl): tickets are only stored");
        }

        using var timer = new PeriodicTimer(_options.DispatchInterval, _time);
        do
        {
            try
            {
                await DispatchOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Dispatching the ticket outbox failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<List<OutboxItem>> DueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return (await _outbox.ListPendingAsync(cancellationToken).ConfigureAwait(false)).Where(i => i.NextAttemptAt <= now).ToList();
    }

    private async Task<bool> DeliverAsync(OutboxItem item, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        var ticket = await _tickets.GetAsync(item.TicketId, cancellationToken).ConfigureAwait(false);
        if (!_channels.TryGetValue(item.Channel, out var channel) || ticket is null)
        {
            var error = ticket is null ? $"Ticket {item.TicketId} is missing." : $"No delivery channel '{item.Channel}' is configured.";
            await FailAsync(item, startedAt, error, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var leaseLeft = leaseUntil - startedAt;
        using var leaseTimeout = new CancellationTokenSource(leaseLeft > TimeSpan.Zero ? leaseLeft : TimeSpan.Zero, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, leaseTimeout.Token);
        try
        {
            await channel.DeliverAsync(ticket, item, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = leaseTimeout.IsCancellationRequested ? "Timed out: the dispatcher's lease ran out." : Describe(ex);
            await FailAsync(item, startedAt, error, cancellationToken).ConfigureAwait(false);
            return false;
        }

        await _outbox.MarkDeliveredAsync(item, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Delivered ticket {TicketId} to {Channel} (attempt {Attempt})", item.TicketId, item.Channel, item.Attempts + 1);
        return true;
    }

    private async Task FailAsync(OutboxItem item, DateTimeOffset startedAt, string error, CancellationToken cancellationToken)
    {
        var next = startedAt + Backoff(item.Attempts + 1);
        if (await _outbox.MarkFailedAsync(item, error, next, cancellationToken).ConfigureAwait(false))
        {
            _logger.LogWarning("Delivering ticket {TicketId} to {Channel} failed (attempt {Attempt}): {Error} Next attempt at {Next:O}",
                item.TicketId, item.Channel, item.Attempts, error, next);
        }
    }

    private static string Describe(Exception ex)
    {
        var text = ex is HttpRequestException { StatusCode: { } status }
            ? $"{(int)status} {status}: {ex.Message}"
            : $"{ex.GetType().Name}: {ex.Message}";
        text = Redactor.Redact(text);
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    private async Task<DateTimeOffset?> TryAcquireLeaseAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var read = await _storage.ReadAsync([StoredItems.DispatcherLease], cancellationToken).ConfigureAwait(false);
        var lease = StoredItems.Get<DispatcherLease>(read, StoredItems.DispatcherLease);
        if (lease is not null && lease.Owner != OwnerId && lease.Until > now)
        {
            return null;
        }

        lease ??= new DispatcherLease { ETag = StoredItems.IfAbsent };
        lease.Owner = OwnerId;
        lease.Until = now + _options.LeaseDuration;
        try
        {
            await _storage.WriteAsync(new Dictionary<string, object> { [StoredItems.DispatcherLease] = lease }, cancellationToken).ConfigureAwait(false);
            return lease.Until;
        }
        catch (StorageConcurrencyException)
        {
            return null;
        }
    }

    private async Task ReleaseLeaseAsync(CancellationToken cancellationToken)
    {
        var read = await _storage.ReadAsync([StoredItems.DispatcherLease], cancellationToken).ConfigureAwait(false);
        if (StoredItems.Get<DispatcherLease>(read, StoredItems.DispatcherLease) is { } lease && lease.Owner == OwnerId)
        {
            lease.Until = _time.GetUtcNow();
            try
            {
                await _storage.WriteAsync(new Dictionary<string, object> { [StoredItems.DispatcherLease] = lease }, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageConcurrencyException)
            {
                // Someone took it over meanwhile: nothing to release.
            }
        }
    }
}
