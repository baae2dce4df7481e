namespace TriageBot.Tests; public class PlaceholderTests { [Fact] public void Boots() => Assert.True(typeof(Program).Assembly is not null); }
