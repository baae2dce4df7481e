using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;

namespace TriageBot.Storage.Tests;

/// <summary>Registration and configuration checks; nothing here connects to a server.</summary>
public sealed class PostgresStorageServiceCollectionExtensionsTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=5432;Database=triagebot;Username=triagebot;Password=secret";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddPostgresStorage_BeforeOrAfterAddBotFramework_ReplacesMemoryStorage(bool postgresFirst)
    {
        var configuration = Configuration(new() { ["Storage:ConnectionString"] = ConnectionString });
        var services = new ServiceCollection().AddLogging();
        if (postgresFirst)
        {
            services.AddPostgresStorage(configuration).AddBotFramework(configuration);
        }
        else
        {
            services.AddBotFramework(configuration).AddPostgresStorage(configuration);
        }

        using var provider = services.BuildServiceProvider();

        Assert.IsType<PostgresStorage>(provider.GetRequiredService<IStorage>());
        Assert.Same(provider.GetRequiredService<IStorage>(), provider.GetRequiredService<IExpiringStorage>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is StoragePurgeService);
    }

    [Fact]
    public void AddPostgresStorage_AllSettings_BindsFromStorageSection()
    {
        var configuration = Configuration(new()
        {
            ["Storage:ConnectionString"] = ConnectionString,
            ["Storage:TableName"] = "bot_state",
            ["Storage:ConnectTimeout"] = "00:00:03",
            ["Storage:CommandTimeout"] = "00:00:20",
            ["Storage:PurgeInterval"] = "00:10:00",
        });
        using var provider = new ServiceCollection().AddLogging().AddPostgresStorage(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;

        Assert.Equal((ConnectionString, "bot_state", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20)),
            (options.ConnectionString, options.TableName, options.ConnectTimeout, options.CommandTimeout));
        Assert.Equal(TimeSpan.FromMinutes(10), provider.GetRequiredService<IOptions<StoragePurgeOptions>>().Value.PurgeInterval);
    }

    [Theory]
    [InlineData(null, null, "Storage:ConnectionString is required")]
    [InlineData("   ", null, "Storage:ConnectionString is required")]
    [InlineData("Hots=db;Database=triagebot", null, "Storage:ConnectionString is not a valid PostgreSQL connection string")]
    [InlineData(ConnectionString, "Bot-State", "Storage:TableName 'Bot-State'")]
    [InlineData(ConnectionString, "x; DROP TABLE y", "Storage:TableName")]
    public async Task StartAsync_MissingOrInvalidSetting_FailsNamingTheKey(string? connectionString, string? tableName, string expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:TableName"] = tableName,
        });
        builder.Services.AddPostgresStorage(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Theory]
    [InlineData("00:00:00", "Storage:ConnectTimeout")]
    [InlineData("00:30:00", "Storage:ConnectTimeout")]
    public void Constructor_InvalidTimeout_ThrowsNamingTheKey(string connectTimeout, string expected)
    {
        var options = new PostgresStorageOptions { ConnectionString = ConnectionString, ConnectTimeout = TimeSpan.Parse(connectTimeout, System.Globalization.CultureInfo.InvariantCulture) };

        var ex = Assert.Throws<ArgumentException>(() => new PostgresStorage(Options.Create(options)));

        Assert.Contains(expected, ex.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
