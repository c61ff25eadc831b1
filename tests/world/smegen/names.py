"""Word lists the generator draws names from (fixed order: determinism depends on it)."""

FIRST_NAMES = (
    'John', 'Mary', 'Paolo', 'Giulia', 'Hans', 'Anna', 'Pierre', 'Claire', 'Luis', 'Carmen',
    'Peter', 'Susan', 'Marco', 'Elena', 'Jan', 'Eva', 'David', 'Laura', 'Tom', 'Sara',
    'Mark', 'Julia', 'Luca', 'Chiara', 'Karl', 'Greta', 'Paul', 'Emma', 'Ivan', 'Olga',
    'Brian', 'Nora', 'Omar', 'Lina', 'Felix', 'Ines', 'Hugo', 'Rosa', 'Oscar', 'Vera',
)

LAST_NAMES = (
    'Smith', 'Rossi', 'Muller', 'Martin', 'Garcia', 'Brown', 'Bianchi', 'Schmidt', 'Dubois',
    'Lopez', 'Jones', 'Ferrari', 'Schneider', 'Bernard', 'Perez', 'Taylor', 'Romano',
    'Fischer', 'Thomas', 'Sanchez', 'Wilson', 'Colombo', 'Weber', 'Petit', 'Gomez',
    'Davies', 'Ricci', 'Meyer', 'Durand', 'Diaz', 'Evans', 'Marino', 'Wagner', 'Leroy',
    'Torres', 'Walker', 'Greco', 'Becker', 'Moreau', 'Ramos',
)

GROUPS = (
    ('sales', 'Sales team'), ('accounting', 'Accounting'), ('management', 'Management'),
    ('support', 'Technical support'), ('marketing', 'Marketing'), ('devel', 'Developers'),
    ('hr', 'Human resources'), ('legal', 'Legal office'), ('warehouse', 'Warehouse'),
    ('purchasing', 'Purchasing'), ('it', 'IT staff'), ('reception', 'Reception desk'),
)

IBAYS = (
    ('docs', 'Company documents'), ('projects', 'Projects'), ('scans', 'Scanner output'),
    ('website', 'Public web site'), ('archive', 'Old archive'), ('software', 'Installers'),
    ('photos', 'Photo library'), ('templates', 'Office templates'), ('backup', 'Backups'),
    ('intranet', 'Intranet pages'), ('contracts', 'Contracts'), ('shared', 'Common files'),
)

PSEUDONYMS = ('info', 'sales-desk', 'office', 'support-desk', 'jobs', 'billing', 'orders',
              'webmaster', 'press', 'helpdesk', 'contact', 'hello', 'noc', 'security',
              'privacy', 'careers', 'admin-team', 'events', 'partners', 'feedback')

DOMAIN_WORDS = ('example', 'acme', 'widgets', 'globex', 'initech', 'umbrella', 'hooli',
                'stark', 'wayne', 'cyberdyne', 'tyrell', 'soylent', 'vandelay', 'gringotts')

TLDS = ('org', 'com', 'net', 'it', 'de', 'eu')

HOST_WORDS = ('printer', 'nas', 'voip', 'ap', 'router', 'cam', 'pbx', 'fax', 'ws', 'laptop')

SUBJECTS = ('Meeting notes', 'Quarterly report', 'Re: invoice', 'Holiday schedule',
            'Fwd: contract draft', 'Lunch?', 'Server maintenance', 'Budget 2014',
            'Customer complaint', 'Re: Re: the printer again', 'Welcome aboard',
            'Your order has shipped', 'Minutes of the board', 'Price list update')

CITIES = ('Ottawa', 'Pesaro', 'Berlin', 'Lyon', 'Madrid', 'Leeds', 'Graz', 'Porto')
