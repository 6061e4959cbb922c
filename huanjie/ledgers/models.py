"""The ledgers (台账): see huanjie/ledgers/framework.py."""
