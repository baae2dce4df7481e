using System.Net;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;

namespace TriageBot.Tests.Escalation;

/// <summary>
/// The outbox and its dispatcher, against MemoryStorage, SQLite and PostgreSQL. A "restart" or "second instance" is a
/// new <see cref="Instance"/> (new dispatcher, new owner id) over the same store; with SQLite and
/// PostgreSQL also a new storage object (and connection pool) on the same database.
/// </summary>
public abstract class OutboxDispatcherTests : IDisposable
{
    // Only bounds a wait that a regression would make endless; no test waits on the real clock otherwise.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly TestStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    protected OutboxDispatcherTests(TestStore store) => _store = store;

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task DispatchOnceAsync_DueDelivery_DeliversTicketAsStoredAndMarksDelivered()
    {
        var channel = new FakeChannel();
        var instance = Instance.Create(_store.Open(), _time, channel);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");

        var delivered = await instance.Dispatcher.DispatchOnceAsync();

        Assert.Equal(1, delivered);
        Assert.Equal(FakeChannel.Json((await instance.Tickets.GetAsync("TB-1001"))!).ToJsonString(), Assert.Single(channel.Delivered).ToJsonString());
        Assert.Empty(await instance.Outbox.ListPendingAsync());
        var item = StoredItems.Get<OutboxItem>(await instance.Storage.ReadAsync([StoredItems.Delivery("TB-1001/fake")]), StoredItems.Delivery("TB-1001/fake"))!;
        Assert.Equal((1, _time.GetUtcNow(), (string?)null), (item.Attempts, item.DeliveredAt, item.LastError));
    }

    [Fact]
    public async Task DispatchOnceAsync_FailsWith500And429ThenSucceeds_DeliveredOnceAsStoredWithGrowingBackoff()
    {
        var channel = new FakeChannel().FailWith(HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests);
        var instance = Instance.Create(_store.Open(), _time, channel);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        var waits = new List<TimeSpan>();
        var errors = new List<string?>();

        while ((await instance.Outbox.ListPendingAsync()) is [var pending])
        {
            if (pending.NextAttemptAt > _time.GetUtcNow())
            {
                waits.Add(pending.NextAttemptAt - _time.GetUtcNow());
                errors.Add(pending.LastError);
                Assert.Equal(0, await instance.Dispatcher.DispatchOnceAsync());
                _time.Advance(pending.NextAttemptAt - _time.GetUtcNow());
            }

            await instance.Dispatcher.DispatchOnceAsync();
        }

        Assert.Equal(5, channel.Calls);
        Assert.Equal(FakeChannel.Json((await instance.Tickets.GetAsync("TB-1001"))!).ToJsonString(), Assert.Single(channel.Delivered).ToJsonString());
        // Random 0.5: three quarters of 10 s, 20 s, 40 s, 80 s.
        Assert.Equal([7.5, 15, 30, 60], waits.Select(w => w.TotalSeconds));
        Assert.Collection(errors,
            e => Assert.StartsWith("500 InternalServerError", e),
            e => Assert.StartsWith("429 TooManyRequests", e),
            e => Assert.StartsWith("503 ServiceUnavailable", e),
            e => Assert.StartsWith("429 TooManyRequests", e));
    }

    [Fact]
    public async Task DispatchOnceAsync_RepeatedFailuresWithRandomJitter_WaitsGrowWithinBounds()
    {
        var channel = new FakeChannel().FailWith(Enumerable.Repeat(HttpStatusCode.BadGateway, 8).ToArray());
        var random = new Random(42);
        var instance = Instance.Create(_store.Open(), _time, Instance.DefaultOptions, random.NextDouble, channel);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        var waits = new List<double>();

        for (var attempt = 1; attempt <= 8; attempt++)
        {
            await instance.Dispatcher.DispatchOnceAsync();
            var pending = Assert.Single(await instance.Outbox.ListPendingAsync());
            Assert.Equal(attempt, pending.Attempts);
            waits.Add((pending.NextAttemptAt - _time.GetUtcNow()).TotalSeconds);
            _time.Advance(pending.NextAttemptAt - _time.GetUtcNow());
        }

        // Ceilings 10, 20, 40, 80, 160, then the 300 s cap; each wait is between half the ceiling and all of it.
        double[] ceilings = [10, 20, 40, 80, 160, 300, 300, 300];
        Assert.All(waits.Zip(ceilings), w => Assert.InRange(w.First, w.Second / 2, w.Second));
        Assert.True(waits.Take(5).Zip(waits.Skip(1).Take(5)).All(p => p.Second > p.First), string.Join(", ", waits));
        Assert.Equal(1, await instance.Dispatcher.DispatchOnceAsync());
    }

    [Fact]
    public async Task DispatchOnceAsync_NothingDue_LeavesTheLeaseAlone()
    {
        var instance = Instance.Create(_store.Open(), _time, new FakeChannel());

        Assert.Equal(0, await instance.Dispatcher.DispatchOnceAsync());

        Assert.Empty(await instance.Storage.ReadAsync([StoredItems.DispatcherLease]));
    }

    [Fact]
    public async Task DispatchOnceAsync_NotDueYet_DoesNotCallTheChannel()
    {
        var channel = new FakeChannel().FailWith(HttpStatusCode.InternalServerError);
        var instance = Instance.Create(_store.Open(), _time, channel);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Dispatcher.DispatchOnceAsync();
        _time.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(0, await instance.Dispatcher.DispatchOnceAsync());

        Assert.Equal(1, channel.Calls);
    }

    [Fact]
    public async Task DispatchOnceAsync_ChannelAndWebhookFailingThenKilledAndRestarted_EveryTicketDeliveredOnceAsStored()
    {
        // First instance: the connector and the webhook answer 500 and 429; the process dies mid-way.
        var card = new FakeChannel("channel").FailWith(HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError);
        var webhook = new FakeChannel("webhook").FailWith(HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway);
        var first = Instance.Create(_store.Open(), _time, card, webhook);
        for (var i = 0; i < 3; i++)
        {
            await first.Tickets.CreateAsync(Requests.Sample($"29:user-{i}"), $"k{i}");
        }

        Assert.Equal(1, await first.Dispatcher.DispatchOnceAsync());
        Assert.Equal((3, 3), (card.Calls, webhook.Calls));

        // Restart: a new instance with working channels finds the pending deliveries in storage.
        var card2 = new FakeChannel("channel");
        var webhook2 = new FakeChannel("webhook");
        var second = Instance.Create(_store.Open(), _time, card2, webhook2);
        Assert.Equal(0, await second.Dispatcher.DispatchOnceAsync());
        _time.Advance(Instance.DefaultOptions.LeaseDuration);
        var delivered = await second.DrainAsync(_time);

        Assert.Equal(5, delivered);
        var stored = (await second.Tickets.ListOpenAsync()).ToDictionary(t => t.Id, t => FakeChannel.Json(t).ToJsonString());
        var all = card.Delivered.Concat(card2.Delivered).Select(j => (Channel: "channel", Json: j))
            .Concat(webhook.Delivered.Concat(webhook2.Delivered).Select(j => (Channel: "webhook", Json: j)))
            .ToList();
        Assert.Equal(6, all.Count);
        Assert.Equal(
            ["TB-1001 channel", "TB-1001 webhook", "TB-1002 channel", "TB-1002 webhook", "TB-1003 channel", "TB-1003 webhook"],
            all.Select(d => $"{d.Json["id"]} {d.Channel}").Order());
        Assert.All(all, d => Assert.Equal(stored[(string)d.Json["id"]!], d.Json.ToJsonString()));
    }

    [Fact]
    public async Task DispatchOnceAsync_KilledAfterDeliveringBeforeRecording_DeliveredAgainWithSameTicketId()
    {
        var storage = new HookedStorage(_store.Open());
        var channel = new FakeChannel();
        var dying = Instance.Create(storage, _time, channel);
        await dying.Tickets.CreateAsync(Requests.Sample(), "k");
        storage.BeforeWrite = changes => HookedStorage.RecordsDelivery(changes) ? throw new IOException("process killed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => dying.Dispatcher.DispatchOnceAsync());

        var restarted = Instance.Create(_store.Open(), _time, channel);
        _time.Advance(Instance.DefaultOptions.LeaseDuration);
        var delivered = await restarted.DrainAsync(_time);

        // At least once: the receiver sees the same ticket twice and deduplicates by its id.
        Assert.Equal(1, delivered);
        Assert.Equal(["TB-1001", "TB-1001"], channel.Delivered.Select(j => (string)j["id"]!));
    }

    [Fact]
    public async Task DispatchOnceAsync_AnotherInstanceIsDelivering_DeliversNothing()
    {
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        var channel = new FakeChannel { OnCall = async (_, _) => { entered.TrySetResult(); await release.Task; } };
        var a = Instance.Create(_store.Open(), _time, channel);
        var b = Instance.Create(_store.Open(), _time, channel);
        await a.Tickets.CreateAsync(Requests.Sample(), "k1");
        await a.Tickets.CreateAsync(Requests.Sample(), "k2");

        var running = a.Dispatcher.DispatchOnceAsync();
        await entered.Task.WaitAsync(Guard);
        var whileBusy = await b.Dispatcher.DispatchOnceAsync().WaitAsync(Guard);
        release.SetResult();
        var byA = await running.WaitAsync(Guard);

        Assert.Equal((0, 2), (whileBusy, byA));
        Assert.Equal((2, 1), (channel.Calls, channel.MaxConcurrentCalls));
    }

    [Fact]
    public async Task DispatchOnceAsync_TwoInstancesConcurrently_EachDeliveryOnce()
    {
        var channel = new FakeChannel { OnCall = async (_, _) => await Task.Yield() };
        var a = Instance.Create(_store.Open(), _time, channel);
        var b = Instance.Create(_store.Open(), _time, channel);
        for (var i = 0; i < 10; i++)
        {
            await (i % 2 == 0 ? a : b).Tickets.CreateAsync(Requests.Sample(), $"k{i}");
        }

        // Each instance runs its rounds one after another (as its loop does), the two instances at the same time.
        var delivered = 0;
        for (var round = 0; round < 3; round++)
        {
            delivered += (await Task.WhenAll(Task.Run(() => a.Dispatcher.DispatchOnceAsync()), Task.Run(() => b.Dispatcher.DispatchOnceAsync()))).Sum();
        }

        Assert.Equal(10, delivered);
        Assert.Equal(10, channel.Calls);
        Assert.Equal(1, channel.MaxConcurrentCalls);
    }

    [Fact]
    public async Task DispatchOnceAsync_HolderDiedAndLeaseExpired_OtherInstanceTakesOver()
    {
        var channel = new FakeChannel().FailWith(HttpStatusCode.InternalServerError);
        var dead = Instance.Create(_store.Open(), _time, channel);
        await dead.Tickets.CreateAsync(Requests.Sample(), "k");
        await dead.Dispatcher.DispatchOnceAsync();
        var other = Instance.Create(_store.Open(), _time, channel);
        _time.Advance(Instance.DefaultOptions.LeaseDuration - TimeSpan.FromSeconds(1));

        var beforeExpiry = await other.Dispatcher.DispatchOnceAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterExpiry = await other.Dispatcher.DispatchOnceAsync();

        Assert.Equal((0, 1), (beforeExpiry, afterExpiry));
        var lease = StoredItems.Get<DispatcherLease>(await other.Storage.ReadAsync([StoredItems.DispatcherLease]), StoredItems.DispatcherLease)!;
        Assert.Equal((other.Dispatcher.OwnerId, _time.GetUtcNow() + Instance.DefaultOptions.LeaseDuration), (lease.Owner, lease.Until));
    }

    [Fact]
    public async Task StopAsync_HolderStopped_OtherInstanceTakesOverAtOnce()
    {
        var channel = new FakeChannel();
        var stopping = Instance.Create(_store.Open(), _time, channel);
        await stopping.Tickets.CreateAsync(Requests.Sample(), "k1");
        await stopping.Dispatcher.DispatchOnceAsync();
        var other = Instance.Create(_store.Open(), _time, channel);
        await other.Tickets.CreateAsync(Requests.Sample(), "k2");
        var whileHeld = await other.Dispatcher.DispatchOnceAsync();

        await stopping.Dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal((0, 1), (whileHeld, await other.Dispatcher.DispatchOnceAsync()));
    }

    [Fact]
    public async Task DispatchOnceAsync_DeliveryOutlastsTheLease_CancelledAndRetriedLater()
    {
        var entered = new TaskCompletionSource();
        var hang = true;
        var channel = new FakeChannel
        {
            OnCall = async (_, token) =>
            {
                if (hang)
                {
                    hang = false;
                    entered.SetResult();
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var instance = Instance.Create(_store.Open(), _time, channel);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");

        var running = instance.Dispatcher.DispatchOnceAsync();
        await entered.Task.WaitAsync(Guard);
        _time.Advance(Instance.DefaultOptions.LeaseDuration);

        Assert.Equal(0, await running.WaitAsync(Guard));
        var pending = Assert.Single(await instance.Outbox.ListPendingAsync());
        Assert.StartsWith("Timed out", pending.LastError);
        Assert.Equal(1, await instance.DrainAsync(_time));
    }

    [Fact]
    public async Task DispatchOnceAsync_UnknownChannel_KeepsItemPendingWithError()
    {
        var storage = _store.Open();
        var before = Instance.Create(storage, _time, new FakeChannel("webhook"));
        await before.Tickets.CreateAsync(Requests.Sample(), "k");
        var after = Instance.Create(storage, _time, new FakeChannel("channel"));

        Assert.Equal(0, await after.Dispatcher.DispatchOnceAsync());

        var pending = Assert.Single(await after.Outbox.ListPendingAsync());
        Assert.Equal((1, "No delivery channel 'webhook' is configured."), (pending.Attempts, pending.LastError));
    }

    [Fact]
    public async Task ExecuteAsync_Started_DeliversAndRetriesOnTheClock()
    {
        var calls = new SemaphoreSlim(0);
        var channel = new FakeChannel { OnCall = (_, _) => { calls.Release(); return Task.CompletedTask; } }.FailWith(HttpStatusCode.InternalServerError);
        var options = new EscalationOptions { DispatchInterval = TimeSpan.FromSeconds(1), LeaseDuration = TimeSpan.FromSeconds(30), RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromMinutes(1) };
        var storage = new HookedStorage(_store.Open());
        var recorded = new TaskCompletionSource();
        storage.AfterWrite = changes =>
        {
            if (HookedStorage.RecordsDelivery(changes))
            {
                recorded.TrySetResult();
            }
        };
        var instance = Instance.Create(storage, _time, options, () => 0, channel);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");

        await instance.Dispatcher.StartAsync(CancellationToken.None);
        Assert.True(await calls.WaitAsync(Guard));
        _time.Advance(TimeSpan.FromSeconds(1));
        await recorded.Task.WaitAsync(Guard);
        await instance.Dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(2, channel.Calls);
        Assert.Single(channel.Delivered);
        Assert.Empty(await instance.Outbox.ListPendingAsync());
    }

    [Fact]
    public void Backoff_Attempts_DoublesFromBaseUpToTheCapWithJitterInUpperHalf()
    {
        var low = Instance.Create(_store.Open(), _time, Instance.DefaultOptions, () => 0).Dispatcher;
        var high = Instance.Create(_store.Open(), _time, Instance.DefaultOptions, () => 0.999).Dispatcher;

        Assert.Equal([5, 10, 20, 40, 80, 150, 150], new[] { 1, 2, 3, 4, 5, 6, 40 }.Select(n => low.Backoff(n).TotalSeconds));
        Assert.Equal([9.995, 19.99, 299.85], new[] { 1, 2, 1000 }.Select(n => Math.Round(high.Backoff(n).TotalSeconds, 3)));
    }
}

public sealed class OutboxDispatcherMemoryTests() : OutboxDispatcherTests(new TestStore.Memory());

public sealed class OutboxDispatcherSqliteTests() : OutboxDispatcherTests(new TestStore.Sqlite());

[Collection(PostgresCollection.Name)]
public sealed class OutboxDispatcherPostgresTests(PostgresFixture fixture) : OutboxDispatcherTests(new TestStore.Postgres(fixture.Server));
