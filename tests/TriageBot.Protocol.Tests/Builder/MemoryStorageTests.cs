using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Tests.Builder;

public class MemoryStorageTests : StorageContractTests
{
    protected override IExpiringStorage CreateStorage() => new MemoryStorage();
}
