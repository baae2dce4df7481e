using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage;

/// <summary>Registration of <see cref="SqliteStorage"/>.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteStorage"/> as the <see cref="IStorage"/> (replacing any other), binds
    /// <see cref="SqliteStorageOptions"/> from the <c>Storage</c> section and starts <see cref="StoragePurgeService"/>.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPersistentStorage<SqliteStorage, SqliteStorageOptions>(configuration, (options, time) => new SqliteStorage(options, time))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Storage:DatabasePath is required.");
        return services;
    }
}
