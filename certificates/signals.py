"""Questions certificates asks the apps to its right (they answer through their receivers).

certificate_expiry: sent with keyword argument `certificates` (a list of Certificate); each
receiver returns {certificate id: the last day it is valid} for the ones it knows to expire
(recertification answers for certifications and recertifications). Ask through
`selectors.certificate_expiry_dates`.
"""

from django.dispatch import Signal

certificate_expiry = Signal()
