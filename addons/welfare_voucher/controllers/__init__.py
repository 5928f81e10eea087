from . import main, payment, portal
