using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;

namespace TriageBot.Storage.Tests;

public sealed class SqliteStorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "triagebot-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddSqliteStorage_BeforeOrAfterAddBotFramework_ReplacesMemoryStorage(bool sqliteFirst)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DatabasePath"] = Path.Combine(_folder, "bot.db") })
            .Build();
        var services = new ServiceCollection().AddLogging();
        if (sqliteFirst)
        {
            services.AddSqliteStorage(configuration).AddBotFramework(configuration);
        }
        else
        {
            services.AddBotFramework(configuration).AddSqliteStorage(configuration);
        }

        using var provider = services.BuildServiceProvider();

        Assert.IsType<SqliteStorage>(provider.GetRequiredService<IStorage>());
        Assert.Same(provider.GetRequiredService<IStorage>(), provider.GetRequiredService<IExpiringStorage>());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
