"""Which NethServer 7 package links which handler into which event (ns7-destination.md §2).

Read on the host side to build /etc/e-smith/events the way each package's ``createlinks``
does: ``<event>/S<NN><action> -> ../actions/<action>``, ``<event>/templates2expand/<path>``
(empty files) and ``<event>/services2adjust/<service>`` (file holding the action).
Every action is the stand-in dispatcher (/usr/libexec/ns7-standin/action).
"""

# module -> [(event, prio, action)]
HANDLERS = {
    'nethserver-base': [
        ('password-modify', '25', 'password-set'),
        ('password-modify', '90', 'password-cleanup'),
        ('static-routes-save', '15', 'network-route-down'),
        ('static-routes-save', '25', 'interface-config-write'),
        ('static-routes-save', '35', 'network-route-up'),
        ('interface-update', '04', 'network-stop'),
        ('interface-update', '20', 'interface-rename'),
        ('interface-update', '21', 'adjust-fixnetwork-flag'),
        ('interface-update', '25', 'interface-config-reset'),
        ('interface-update', '30', 'interface-config-write'),
        ('interface-update', '70', 'network-start'),
        ('interface-update', '80', 'static-routes-save'),
        ('interface-update', '90', 'firewall-adjust'),
        ('interface-update', '95', 'trusted-networks-modify'),
        ('certificate-update', '00', 'nethserver-base-certificate-update'),
        ('trusted-networks-modify', '20', 'firewall-adjust'),
    ],
    'nethserver-firewall-base': [
        ('static-routes-save', '30', 'interface-config-write-pppoe'),
        ('interface-update', '40', 'interface-config-write-pppoe'),
        ('interface-update', '60', 'nethserver-firewall-adjustdb'),
    ],
    'nethserver-dnsmasq': [
        ('interface-update', '60', 'nethserver-dnsmasq-adjustdb'),
        ('interface-update', '61', 'nethserver-dnsmasq-signalsave'),
        ('nethserver-dnsmasq-save', '02', 'nethserver-dnsmasq-adjustdb'),
    ],
    'nethserver-hosts': [
        ('host-create', '10', 'nethserver-hosts-record'),
        ('host-modify', '10', 'nethserver-hosts-record'),
        ('host-delete', '10', 'nethserver-hosts-record'),
    ],
    'nethserver-sssd': [
        ('user-create', '90', 'nethserver-sssd-clear-cache'),
        ('user-modify', '90', 'nethserver-sssd-clear-cache'),
        ('user-lock', '90', 'nethserver-sssd-clear-cache'),
        ('user-unlock', '90', 'nethserver-sssd-clear-cache'),
        ('group-create', '90', 'nethserver-sssd-clear-cache'),
        ('group-modify', '90', 'nethserver-sssd-clear-cache'),
        ('password-policy-update', '10', 'nethserver-sssd-clear-cache'),
        ('nethserver-sssd-save', '01', 'nethserver-sssd-cleanup'),
        ('nethserver-sssd-save', '20', 'nethserver-sssd-conf'),
        ('nethserver-sssd-save', '30', 'nethserver-sssd-initkeytabs'),
        ('nethserver-sssd-save', '80', 'nethserver-sssd-notifyclients'),
        ('nethserver-sssd-leave', '01', 'nethserver-sssd-leave'),
        ('nethserver-sssd-leave', '02', 'nethserver-sssd-cleanup'),
    ],
    'nethserver-directory': [
        ('user-create', '04', 'nethserver-directory-user-create'),
        ('user-modify', '25', 'nethserver-directory-user-modify'),
        ('user-lock', '15', 'nethserver-directory-user-lock'),
        ('user-unlock', '15', 'nethserver-directory-user-unlock'),
        ('password-modify', '30', 'nethserver-directory-password-set'),
        ('password-modify', '40', 'nethserver-directory-user-unlock'),
        ('group-create', '04', 'nethserver-directory-group-create'),
        ('group-create', '20', 'nethserver-directory-group-modify'),
        ('group-modify', '15', 'nethserver-directory-group-modify'),
        ('password-policy-update', '30', 'nethserver-directory-password-policy'),
    ],
    'nethserver-dc': [
        ('user-create', '40', 'nethserver-dc-user-create'),
        ('user-create', '50', 'nethserver-dc-sync-upn'),
        ('user-modify', '40', 'nethserver-dc-user-modify'),
        ('user-lock', '15', 'nethserver-dc-user-lock'),
        ('user-unlock', '15', 'nethserver-dc-user-unlock'),
        ('password-modify', '30', 'nethserver-dc-password-set'),
        ('password-modify', '40', 'nethserver-dc-user-unlock'),
        ('group-create', '40', 'nethserver-dc-group-create'),
        ('group-modify', '40', 'nethserver-dc-group-modify'),
        ('password-policy-update', '30', 'nethserver-dc-password-policy'),
        ('nethserver-dc-save', '01', 'nethserver-dc-create-bridge'),
        ('nethserver-dc-save', '02', 'nethserver-dc-install'),
        ('nethserver-dc-save', '10', 'nethserver-dc-provision'),
        ('nethserver-dc-save', '95', 'nethserver-dc-waitstart'),
        ('nethserver-dc-save', '96', 'nethserver-dc-createldapservice'),
        ('nethserver-dc-save', '96', 'nethserver-dc-join'),
        ('nethserver-dc-save', '97', 'nethserver-dc-password-policy'),
        ('nethserver-dc-save', '97', 'nethserver-dc-set-upn'),
        ('nethserver-dc-save', '98', 'nethserver-dc-createadmins'),
        ('nethserver-dc-save', '98', 'nethserver-dc-machine-grants'),
        ('interface-update', '71', 'nethserver-dc-condrestart'),
    ],
    'nethserver-samba': [
        ('ibay-create', '15', 'nethserver-ibays-ibay-create'),
        ('ibay-create', '20', 'nethserver-ibays-set-permissions'),
        ('ibay-modify', '20', 'nethserver-ibays-set-permissions'),
    ],
    'nethserver-mail-server': [
        ('nethserver-mail-server-update', '01', 'nethserver-mail-default-domain-create'),
        ('nethserver-mail-server-update', '20', 'nethserver-mail-server-postfix-get-group-enable'),
        ('nethserver-mail-server-update', '30', 'nethserver-mail-postmap-update'),
        ('nethserver-mail-server-update', '40', 'nethserver-mail-create-opendkim-key'),
        ('nethserver-mail-server-update', '50', 'nethserver-sssd-initkeytabs'),
        ('nethserver-mail-server-update', '95', 'nethserver-mail-server-init-system-users'),
        ('nethserver-mail-server-update', '98', 'nethserver-mail-server-init-acl'),
        ('nethserver-mail-server-save', '30', 'nethserver-mail-postmap-update'),
        ('nethserver-mail-server-save', '95', 'nethserver-mail-quota-recalc'),
        ('mailbox-save', '30', 'nethserver-mail-postmap-update'),
        ('pseudonym-create', '30', 'nethserver-mail-postmap-update'),
        ('pseudonym-modify', '30', 'nethserver-mail-postmap-update'),
        ('pseudonym-delete', '30', 'nethserver-mail-postmap-update'),
        ('domain-create', '30', 'nethserver-mail-postmap-update'),
        ('domain-modify', '30', 'nethserver-mail-postmap-update'),
        ('domain-delete', '30', 'nethserver-mail-postmap-update'),
    ],
    # nethserver-mail's smarthost/, filter/ and getmail/ (createlinks-smarthost, -filter,
    # -getmail): the events the mail concerns signal.
    'nethserver-mail-smarthost': [
        ('nethserver-mail-smarthost-save', '30', 'nethserver-mail-postmap-update'),
    ],
    'nethserver-mail-filter': [
        ('nethserver-mail-filter-save', '20', 'nethserver-mail-filter-conf'),
    ],
    'nethserver-mail-getmail': [
        ('nethserver-getmail-save', '20', 'nethserver-getmail-conf'),
    ],
    'nethserver-ntp': [
        ('nethserver-ntp-update', '40', 'nethserver-ntp-localtime'),
        ('nethserver-ntp-update', '41', 'nethserver-ntp-clock-adjust'),
        ('nethserver-ntp-save', '40', 'nethserver-ntp-localtime'),
        ('nethserver-ntp-save', '41', 'nethserver-ntp-clock-adjust'),
    ],
    'nethserver-openssh': [
        ('nethserver-openssh-save', '95', 'firewall-adjust'),
    ],
}

# module -> {event: [template paths]}
TEMPLATES = {
    'nethserver-mysql': {'nethserver-mysql-update': ['/etc/my.cnf.d/nethserver.cnf',
                                                     '/root/.my.cnf']},
    'nethserver-base': {'interface-update': ['/etc/modprobe.d/bonding.conf',
                                             '/etc/sysconfig/network', '/etc/hosts',
                                             '/etc/resolv.conf']},
    'nethserver-sssd': {'nethserver-sssd-save': ['/etc/sssd/sssd.conf', '/etc/krb5.conf',
                                                 '/etc/samba/smb.conf',
                                                 '/etc/openldap/ldap.conf'],
                        'nethserver-sssd-leave': ['/etc/samba/smb.conf', '/etc/krb5.conf']},
    'nethserver-directory': {'password-policy-update': ['/etc/sssd/sssd.conf']},
    'nethserver-samba': {'ibay-create': ['/etc/samba/smb.conf'],
                         'ibay-modify': ['/etc/samba/smb.conf']},
    'nethserver-mail-server': {
        'nethserver-mail-server-update': ['/etc/postfix/main.cf', '/etc/postfix/virtual',
                                          '/etc/dovecot/dovecot.conf'],
        'nethserver-mail-server-save': ['/etc/postfix/main.cf', '/etc/postfix/virtual',
                                        '/etc/dovecot/dovecot.conf']},
    'nethserver-mail-smarthost': {'nethserver-mail-smarthost-save': [
        '/etc/postfix/main.cf', '/etc/postfix/sasl_passwd', '/etc/postfix/tls_policy']},
    'nethserver-mail-filter': {'nethserver-mail-filter-save': ['/etc/rspamd/local.d/multimap.conf']},
    'nethserver-mail-getmail': {'nethserver-getmail-save': ['/etc/cron.d/getmail']},
    'nethserver-ntp': {'nethserver-ntp-update': ['/etc/chrony.conf'],
                       'nethserver-ntp-save': ['/etc/chrony.conf']},
    'nethserver-openssh': {'nethserver-openssh-update': ['/etc/ssh/sshd_config',
                                                         '/etc/pam.d/sshd'],
                           'nethserver-openssh-save': ['/etc/ssh/sshd_config',
                                                       '/etc/pam.d/sshd']},
    'nethserver-cups': {'nethserver-cups-update': ['/etc/cups/cupsd.conf']},
    'nethserver-httpd': {'nethserver-httpd-update': ['/etc/httpd/conf.d/nethserver.conf',
                                                     '/etc/httpd/conf.d/proxypass.conf']},
    'nethserver-dnsmasq': {'nethserver-dnsmasq-update': ['/etc/dnsmasq.conf',
                                                         '/etc/resolv.conf',
                                                         '/etc/dnsmasq-dhcp-hosts'],
                           'nethserver-dnsmasq-save': ['/etc/dnsmasq.conf',
                                                       '/etc/dnsmasq-dhcp-hosts']},
    'nethserver-hosts': {'nethserver-hosts-update': ['/etc/hosts', '/etc/dnsmasq.conf']},
}

# module -> {event: {service: action}}
SERVICES = {
    'nethserver-mysql': {'nethserver-mysql-update': {'mysqld': 'restart'}},
    'nethserver-sssd': {'nethserver-sssd-save': {'sssd': 'restart'}},
    'nethserver-samba': {'ibay-create': {'smb': 'reload'}, 'ibay-modify': {'smb': 'reload'}},
    'nethserver-mail-server': {
        'nethserver-mail-server-update': {'dovecot': 'restart', 'postfix': 'restart',
                                          'rsyslog': 'restart', 'opendkim': 'restart'},
        'nethserver-mail-server-save': {'dovecot': 'reload', 'postfix': 'reload'}},
    'nethserver-ntp': {'nethserver-ntp-update': {'chronyd': 'condrestart'}},
    'nethserver-openssh': {'nethserver-openssh-update': {'sshd': 'restart'},
                           'nethserver-openssh-save': {'sshd': 'reload'}},
    'nethserver-cups': {'nethserver-cups-update': {'cups': 'restart', 'smb': 'restart'}},
    'nethserver-httpd': {'nethserver-httpd-update': {'httpd': 'restart'}},
    'nethserver-dnsmasq': {'nethserver-dnsmasq-update': {'dnsmasq': 'restart'},
                           'nethserver-dnsmasq-save': {'dnsmasq': 'restart'}},
}

# DB migrate fragments the stand-in implements (package -> [(db, fragment)]).
MIGRATE_FRAGMENTS = {
    'nethserver-base': [('routes', 'issue5079')],
    'nethserver-dnsmasq': [('configuration', 'bug2911.ns6_5')],
}


def update_events(module):
    """Every module has <module>-update (S00initialize-default-databases first) and
    <module>-save (its own handlers, templates and services only)."""
    return ['{}-update'.format(module), '{}-save'.format(module)]
