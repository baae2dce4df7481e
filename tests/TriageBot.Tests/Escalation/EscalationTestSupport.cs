using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;
using TriageBot.Storage;

namespace TriageBot.Tests.Escalation;

/// <summary>Where a test keeps its tickets; <see cref="Open"/> again is another instance on the same store.</summary>
public abstract class TestStore : IDisposable
{
    public abstract IStorage Open();

    public virtual void Dispose()
    {
    }

    public sealed class Memory : TestStore
    {
        private readonly MemoryStorage _storage = new();

        public override IStorage Open() => _storage;
    }

    /// <summary>One temporary database file; each <see cref="Open"/> is a new <see cref="SqliteStorage"/> on it.</summary>
    public sealed class Sqlite : TestStore
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "triagebot-tests", Guid.NewGuid().ToString("N"));

        public override IStorage Open() =>
            new SqliteStorage(Options.Create(new SqliteStorageOptions { DatabasePath = Path.Combine(_folder, "escalation.db") }));

        public override void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// One table of its own on the test server; each <see cref="Open"/> is a new <see cref="PostgresStorage"/>
    /// with its own connection pool, as another bot instance on the same database.
    /// </summary>
    public sealed class Postgres(PostgresTestServer server) : TestStore
    {
        private readonly string _table = PostgresTestServer.NewTableName();
        private readonly List<PostgresStorage> _opened = [];

        public override IStorage Open()
        {
            var storage = new PostgresStorage(Options.Create(new PostgresStorageOptions { ConnectionString = server.ConnectionString, TableName = _table }));
            _opened.Add(storage);
            return storage;
        }

        public override void Dispose()
        {
            _opened.ForEach(storage => storage.Dispose());
            server.DropTable(_table);
        }
    }
}

/// <summary>One bot instance's escalation objects over a store.</summary>
internal sealed record Instance(IStorage Storage, TicketStore Tickets, Outbox Outbox, OutboxDispatcher Dispatcher)
{
    public static readonly EscalationOptions DefaultOptions = new()
    {
        DispatchInterval = TimeSpan.FromSeconds(1),
        LeaseDuration = TimeSpan.FromSeconds(30),
        RetryBaseDelay = TimeSpan.FromSeconds(10),
        RetryMaxDelay = TimeSpan.FromMinutes(5),
    };

    public static Instance Create(IStorage storage, TimeProvider time, params IDeliveryChannel[] channels) =>
        Create(storage, time, DefaultOptions, () => 0.5, channels);

    public static Instance Create(IStorage storage, TimeProvider time, EscalationOptions options, Func<double> random, params IDeliveryChannel[] channels)
    {
        var outbox = new Outbox(storage, channels.Select(c => c.Name));
        var tickets = new TicketStore(storage, outbox, time);
        var dispatcher = new OutboxDispatcher(storage, outbox, tickets, channels, Options.Create(options), time, NullLogger<OutboxDispatcher>.Instance, random);
        return new Instance(storage, tickets, outbox, dispatcher);
    }

    /// <summary>Runs dispatch rounds, moving the clock to the next due attempt, until nothing is pending.</summary>
    public async Task<int> DrainAsync(FakeTimeProvider time, int maxRounds = 50)
    {
        var delivered = 0;
        for (var round = 0; round < maxRounds; round++)
        {
            delivered += await Dispatcher.DispatchOnceAsync();
            var pending = await Outbox.ListPendingAsync();
            if (pending.Count == 0)
            {
                return delivered;
            }

            var next = pending.Min(i => i.NextAttemptAt);
            if (next > time.GetUtcNow())
            {
                time.Advance(next - time.GetUtcNow());
            }
        }

        throw new InvalidOperationException($"Still pending after {maxRounds} rounds.");
    }
}

/// <summary>A delivery channel that fails as scripted, then records what it delivered.</summary>
internal sealed class FakeChannel(string name = "fake") : IDeliveryChannel
{
    private readonly Lock _gate = new();
    private readonly Queue<Exception> _failures = new();
    private readonly List<JsonObject> _delivered = [];
    private int _active;

    public string Name => name;

    /// <summary>Runs at the start of each call (to block, or to observe the token).</summary>
    public Func<Ticket, CancellationToken, Task>? OnCall { get; set; }

    public int Calls { get; private set; }

    public int MaxConcurrentCalls { get; private set; }

    /// <summary>The JSON (without eTag) of each ticket delivered successfully.</summary>
    public IReadOnlyList<JsonObject> Delivered
    {
        get
        {
            lock (_gate)
            {
                return _delivered.ToList();
            }
        }
    }

    public FakeChannel FailWith(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            _failures.Enqueue(new HttpRequestException($"Response status code does not indicate success: {(int)status}.", null, status));
        }

        return this;
    }

    public async Task DeliverAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            _active++;
            MaxConcurrentCalls = Math.Max(MaxConcurrentCalls, _active);
        }

        try
        {
            if (OnCall is not null)
            {
                await OnCall(ticket, cancellationToken);
            }

            lock (_gate)
            {
                if (_failures.TryDequeue(out var failure))
                {
                    throw failure;
                }

                _delivered.Add(Json(ticket));
            }
        }
        finally
        {
            lock (_gate)
            {
                _active--;
            }
        }
    }

    public static JsonObject Json(Ticket ticket)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(ticket, ProtocolJson.Options)!.AsObject();
        json.Remove("eTag");
        return json;
    }
}

/// <summary>An <see cref="IStorage"/> with hooks around writes: to let another writer in, to fail, or to observe.</summary>
internal sealed class HookedStorage(IStorage inner) : IStorage
{
    public Func<IDictionary<string, object>, Task>? BeforeWrite { get; set; }

    public Action<IDictionary<string, object>>? AfterWrite { get; set; }

    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) => inner.ReadAsync(keys, cancellationToken);

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        if (BeforeWrite is { } before)
        {
            await before(changes);
        }

        await inner.WriteAsync(changes, cancellationToken);
        AfterWrite?.Invoke(changes);
    }

    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);

    /// <summary>True for the write that records a delivery as done.</summary>
    public static bool RecordsDelivery(IDictionary<string, object> changes) =>
        changes.Values.OfType<OutboxItem>().Any(i => i.DeliveredAt is not null);
}

internal static class Requests
{
    public static TicketRequest Sample(string user = "29:user-1", string pasted = "Sign-in address not found") => new()
    {
        Requester = new TicketRequester
        {
            Id = user,
            Name = "Alex Wilber",
            AadObjectId = "00000000-0000-0000-0000-0000000000a1",
            TenantId = "tenant-1",
            Conversation = new ConversationReference
            {
                ChannelId = "msteams",
                ServiceUrl = "https://smba.trafficmanager.net/emea/",
                Conversation = new ConversationAccount("a:personal-chat") { TenantId = "tenant-1" },
                User = new ChannelAccount(user, "Alex Wilber"),
                Bot = new ChannelAccount("28:bot", "TriageBot"),
            },
        },
        Language = "en-us",
        Pasted = pasted,
        SymptomId = "sign-in-address-not-found",
        Message = "Sign-in address not found",
        Answers = [new TicketAnswer("Is it only you, or several people?", "only me")],
        Fixes = [new TicketFix("Firewall or proxy blocks msoidsvc.exe", "notFixed")],
        Form = new TicketForm
        {
            SignInAddress = "alex@contoso.com",
            ClientApp = "Skype for Business",
            ClientVersion = "16.0.4266.1001",
            OperatingSystem = "Windows 11",
            Started = "this morning",
            Scope = "one user",
            LogsAvailable = true,
            AnythingElse = "",
        },
        Summary = "Sign-in address not found; firewall cause ruled out.",
    };
}
