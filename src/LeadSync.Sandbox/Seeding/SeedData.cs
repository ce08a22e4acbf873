namespace LeadSync.Sandbox.Seeding;

/// <summary>Word lists for realistic but fictional people. Emails only ever use reserved example domains.</summary>
internal static class SeedData
{
    public static readonly string[] FirstNames =
    [
        "Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Radia", "Tim", "Katherine",
        "John", "Mary", "James", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Susan",
        "Richard", "Jessica", "Joseph", "Sarah", "Thomas", "Karen", "Carlos", "Sofia", "Mateo", "Lucia", "Hiroshi", "Yuki", "Wei",
        "Mei", "Arjun", "Priya", "Olu", "Amara", "Lars", "Ingrid", "Pierre", "Chloe", "Hans", "Greta", "Giulia", "Marco", "Fatima",
        "Omar", "Noah", "Emma", "Liam", "Olivia", "Ethan", "Ava", "Lucas", "Mia", "Jonas", "Freya", "Diego", "Valentina", "Kofi",
    ];

    public static readonly string[] LastNames =
    [
        "Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra", "Perlman",
        "Berners-Lee", "Johnson", "Smith", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
        "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Nguyen", "Kim", "Tanaka", "Sato", "Chen", "Wang",
        "Patel", "Sharma", "Okafor", "Mensah", "Larsen", "Nilsson", "Dubois", "Moreau", "Schmidt", "Fischer", "Rossi", "Bianchi",
        "Haddad", "Khan", "Silva", "Santos", "Novak", "Kowalski",
    ];

    public static readonly string[] CompanyStems =
    [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent",
        "Aperture", "Black Mesa", "Gringotts", "Monarch", "Oscorp", "Pied Piper", "Prestige", "Massive Dynamic", "Nakatomi",
        "Blue Sun", "Dunder", "Bluth", "Sterling", "Kramerica", "Virtucon", "Octan", "Zorg", "Paper Street", "Northwind", "Contoso",
        "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Woodgrove", "Lucerne", "Fourth Coffee",
    ];

    public static readonly string[] CompanySuffixes = ["Inc", "Corp", "LLC", "Group", "Labs", "Systems", "Analytics", "Health", "Partners", "GmbH", "Ltd"];

    /// <summary>Titles from no authority (student, intern) to full authority (VP, CxO); the weight is how common each is.</summary>
    public static readonly (string Title, int Seniority, int Weight)[] Titles =
    [
        ("Student", 0, 3), ("Intern", 0, 3), ("Marketing Coordinator", 1, 8), ("Sales Associate", 1, 6), ("Analyst", 1, 10),
        ("Software Engineer", 1, 10), ("Consultant", 1, 6), ("Senior Engineer", 2, 8), ("Product Manager", 2, 8),
        ("Marketing Manager", 2, 8), ("IT Manager", 2, 6), ("Operations Manager", 2, 6), ("Director of Marketing", 3, 5),
        ("Director of Engineering", 3, 4), ("Head of Sales", 3, 4), ("Director of IT", 3, 4), ("VP Sales", 4, 2), ("VP Marketing", 4, 2),
        ("VP Engineering", 4, 2), ("CTO", 5, 1), ("CFO", 5, 1), ("CEO", 5, 1), ("COO", 5, 1), ("Founder", 5, 1),
    ];

    public static readonly (string Country, string[] States, string[] Cities, int Weight)[] Places =
    [
        ("United States", ["CA", "NY", "TX", "WA", "MA", "IL", "FL", "CO", "GA", "NC"], ["San Francisco", "New York", "Austin", "Seattle", "Boston", "Chicago", "Miami", "Denver", "Atlanta", "Raleigh"], 45),
        ("Canada", ["ON", "BC", "QC"], ["Toronto", "Vancouver", "Montreal"], 6),
        ("United Kingdom", [], ["London", "Manchester", "Edinburgh"], 9),
        ("Germany", [], ["Berlin", "Munich", "Hamburg"], 8),
        ("France", [], ["Paris", "Lyon"], 6),
        ("Netherlands", [], ["Amsterdam", "Rotterdam"], 3),
        ("Sweden", [], ["Stockholm"], 2),
        ("Spain", [], ["Madrid", "Barcelona"], 3),
        ("Australia", ["NSW", "VIC"], ["Sydney", "Melbourne"], 5),
        ("Japan", [], ["Tokyo", "Osaka"], 4),
        ("India", [], ["Bangalore", "Mumbai"], 5),
        ("Brazil", [], ["Sao Paulo"], 3),
        ("Singapore", [], ["Singapore"], 1),
    ];

    public static readonly (string Domain, int Weight)[] Domains =
        [("example.com", 50), ("example.org", 20), ("example.net", 20), ("mail.example", 10)];

    public static readonly int[] EmployeeBands = [3, 8, 15, 40, 80, 150, 350, 800, 2500, 7500, 20000, 60000];

    /// <summary>HubSpot source → the matching Salesforce LeadSource (what a previous integration wrote).</summary>
    public static readonly (string HubSpot, string Salesforce, int Weight)[] Sources =
    [
        ("ORGANIC_SEARCH", "Web", 30), ("PAID_SEARCH", "Web", 15), ("EMAIL_MARKETING", "Web", 10), ("SOCIAL_MEDIA", "Web", 10),
        ("REFERRALS", "Partner Referral", 10), ("OTHER_CAMPAIGNS", "Webinar", 8), ("DIRECT_TRAFFIC", "Web", 7),
        ("OFFLINE", "Trade Show", 6), ("OFFLINE", "Purchased List", 4),
    ];

    public static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    public static T Weighted<T>(Random rng, T[] items, Func<T, int> weight)
    {
        var total = 0;
        foreach (var item in items)
            total += weight(item);
        var roll = rng.Next(total);
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0)
                return item;
        }

        return items[^1];
    }
}
